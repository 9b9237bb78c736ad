// The few pages the server writes itself, outside the panel.

/** A host no brand owns: a plain page, deliberately not the platform's brand. */
export function unknownHostPage(): string {
  return `<!doctype html>
<html lang="fa" dir="rtl"><head><meta charset="utf-8"><title>404</title>
<meta name="viewport" content="width=device-width, initial-scale=1"></head>
<body style="font-family: sans-serif; text-align: center; padding: 4rem 1rem; color: #333">
<h1>۴۰۴</h1>
<p>این دامنه به هیچ سامانه‌ای وصل نیست.</p>
<p dir="ltr" lang="en">This domain is not connected to any panel.</p>
</body></html>`;
}
