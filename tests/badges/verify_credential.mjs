// Verify Open Badges 3.0 credentials with @digitalcredentials/verifier-core, offline.
//
//   node tests/badges/verify_credential.mjs <site-origin> <live-server-origin> \
//        [<url>=<local-file> ...] <credential.json> [<credential.json> ...]
//
// Every credential is verified in this one process, one after the other (a node start and
// verifier-core's import are most of the time of one verification).
//
// verifier-core builds its own document loader (did:web, status lists, schemas) on top of
// fetch. We replace global fetch before loading it: URLs of our site (its did:web host, its
// status list) go to the test's live server, listed URLs are served from local files (the
// vendored OB 3.0 JSON schema), and every other request fails: nothing reaches the internet.
import { readFileSync } from "node:fs";

const [siteOrigin, liveOrigin, ...rest] = process.argv.slice(2);
// A <url>=<local-file> pair names a URL; anything else is a credential's file.
const fileArgs = rest.filter((arg) => /^https?:\/\/[^=]*=/.test(arg));
const credentialPaths = rest.filter((arg) => !fileArgs.includes(arg));
const files = new Map(fileArgs.map((arg) => {
  const at = arg.indexOf("=");
  return [arg.slice(0, at), arg.slice(at + 1)];
}));
const siteHost = new URL(siteOrigin).host;
const realFetch = globalThis.fetch;
const requested = [];

globalThis.fetch = async (input, init) => {
  const url = typeof input === "string" ? input : input instanceof URL ? input.href : input.url;
  requested.push(url);
  if (files.has(url)) {
    return new Response(readFileSync(files.get(url)), {
      status: 200,
      headers: { "content-type": "application/json" },
    });
  }
  const parsed = new URL(url);
  if (parsed.host === siteHost) {
    const target = liveOrigin + parsed.pathname + parsed.search;
    const headers = new Headers(input instanceof Request ? input.headers : init?.headers);
    return realFetch(target, { method: "GET", headers });
  }
  throw new TypeError(`offline test: refused to fetch ${url}`);
};

// verifier-core logs schema problems with console.log; keep stdout for the JSON result.
console.log = (...args) => console.error(...args);
const { verifyCredential } = await import("@digitalcredentials/verifier-core");
const results = [];
for (const path of credentialPaths) {
  const credential = JSON.parse(readFileSync(path, "utf8"));
  const result = await verifyCredential({ credential, knownDIDRegistries: [] });
  delete result.credential;
  const clean = JSON.parse(JSON.stringify(result, (key, value) =>
    key === "stackTrace" || key === "stack" ? undefined : value));
  results.push({ path, result: clean });
}
process.stdout.write(JSON.stringify({ results, requested }, null, 2));
