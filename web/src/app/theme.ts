import { createTheme } from '@mantine/core';

// Vazirmatn, served with the panel (main.tsx); while it loads, fonts with good Persian glyphs the
// system may have, then whatever sans-serif it offers.
export const fontStack = "Vazirmatn, 'Vazirmatn FD', Vazir, Sahel, 'Noto Sans Arabic', 'Noto Sans', Tahoma, 'Segoe UI', 'DejaVu Sans', system-ui, sans-serif";

export const theme = createTheme({
  fontFamily: fontStack,
  headings: { fontFamily: fontStack },
  primaryColor: 'teal',
  defaultRadius: 'md',
});
