// Builds the widget into bot/web/static/widget/: one minified widget.js (with
// its CSS and socket.io client inside) and the Bengali font files.
import { build } from "esbuild";
import { copyFileSync, mkdirSync, statSync } from "node:fs";
import { gzipSync } from "node:zlib";
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const out = join(here, "..", "bot", "web", "static", "widget");
mkdirSync(join(out, "fonts"), { recursive: true });

await build({
  entryPoints: [join(here, "src", "widget.js")],
  bundle: true,
  minify: true,
  format: "iife",
  target: ["es2019"],
  loader: { ".css": "text" },
  outfile: join(out, "widget.js"),
  legalComments: "linked",
});

const fonts = join(here, "node_modules", "@fontsource", "noto-sans-bengali", "files");
for (const weight of ["400", "700"]) {
  const file = `noto-sans-bengali-bengali-${weight}-normal.woff2`;
  copyFileSync(join(fonts, file), join(out, "fonts", file));
}
copyFileSync(join(here, "node_modules", "@fontsource", "noto-sans-bengali", "LICENSE"), join(out, "fonts", "LICENSE"));

const size = statSync(join(out, "widget.js")).size;
const gzipped = gzipSync(readFileSync(join(out, "widget.js"))).length;
console.log(`widget.js: ${(size / 1024).toFixed(1)} KB, ${(gzipped / 1024).toFixed(1)} KB gzipped`);
