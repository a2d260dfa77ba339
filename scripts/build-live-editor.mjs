// Rebuilds static/vendor/live/live-editor.js from static/js/live/live-editor.src.js with the exact
// package versions in package-lock.json, and writes live-editor.LICENSES.txt beside it with the
// licence of every package that ends up in the bundle. Run: npm ci && npm run build:live
// Both files are committed, so the app itself needs no Node at all.
import { build } from "esbuild";
import { readFile, readdir, writeFile } from "node:fs/promises";
import { dirname, join, relative } from "node:path";
import { fileURLToPath } from "node:url";

const root = join(dirname(fileURLToPath(import.meta.url)), "..");
const entry = join(root, "static/js/live/live-editor.src.js");
const outfile = join(root, "static/vendor/live/live-editor.js");
const licencesFile = join(root, "static/vendor/live/live-editor.LICENSES.txt");

const result = await build({
  absWorkingDir: root,
  entryPoints: [entry],
  outfile,
  bundle: true,
  minify: true,
  format: "iife",
  target: "es2019",
  platform: "browser",
  // Any licence comments the packages carry stay at the end of the bundle itself.
  legalComments: "eof",
  // No source map: the readable source is in the repository next to this script.
  sourcemap: false,
  charset: "utf8",
  banner: {
    js: "/* coprod live editor (Yjs + CodeMirror 6). Built by scripts/build-live-editor.mjs from"
      + " static/js/live/live-editor.src.js; licences: live-editor.LICENSES.txt */",
  },
  logLevel: "warning",
  metafile: true,
});

// Packages that contributed code to the output (tree-shaken modules contribute 0 bytes).
const output = Object.values(result.metafile.outputs)[0];
const packageDirs = new Set();
for (const [path, { bytesInOutput }] of Object.entries(output.inputs)) {
  const match = path.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//);
  if (match && bytesInOutput > 0) packageDirs.add(match[1]);
}

const sections = [];
for (const dir of [...packageDirs].sort()) {
  const manifest = JSON.parse(await readFile(join(root, dir, "package.json"), "utf8"));
  const licenceName = (await readdir(join(root, dir))).find((name) => /^licen[cs]e/i.test(name));
  const text = licenceName
    ? (await readFile(join(root, dir, licenceName), "utf8")).trim()
    : `(no licence file in the package; package.json says: ${manifest.license})`;
  sections.push(`${manifest.name} ${manifest.version} (${manifest.license})\n\n${text}`);
}
await writeFile(
  licencesFile,
  "Third-party code in live-editor.js, one package a section.\n\n"
    + sections.join(`\n\n${"-".repeat(78)}\n\n`)
    + "\n",
);

console.log(
  `${relative(root, outfile)}: ${(output.bytes / 1024).toFixed(1)} KiB`
    + ` (${packageDirs.size} packages; licences in ${relative(root, licencesFile)})`,
);
