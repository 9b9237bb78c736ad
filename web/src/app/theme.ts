import { createTheme } from '@mantine/core';

// Local fonts only (the network is closed): Vazirmatn when the machine has it, then other fonts
// with good Persian glyphs, then whatever sans-serif the system offers.
export const fontStack = "Vazirmatn, 'Vazirmatn FD', Vazir, Sahel, 'Noto Sans Arabic', 'Noto Sans', Tahoma, 'Segoe UI', 'DejaVu Sans', system-ui, sans-serif";

export const theme = createTheme({
  fontFamily: fontStack,
  headings: { fontFamily: fontStack },
  primaryColor: 'teal',
  defaultRadius: 'md',
});
