// Latin runs (usernames, numbers, keys) kept left-to-right inside Persian text.
import type { ReactNode } from 'react';

export function Ltr({ children }: { children: ReactNode }) {
  return (
    <bdi dir="ltr" style={{ unicodeBidi: 'isolate' }}>
      {children}
    </bdi>
  );
}
