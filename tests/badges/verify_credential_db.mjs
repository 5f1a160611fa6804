// Verify credentials with Digital Bazaar's libraries, offline: @digitalbazaar/vc with the
// eddsa-rdfc-2022 cryptosuite (DataIntegrityProof) and @digitalbazaar/vc-bitstring-status-list.
//
//   node tests/badges/verify_credential_db.mjs <site-origin> <live-server-origin> \
//        <contexts-dir>[:<contexts-dir>...] <credential.json> [<credential.json> ...]
//
// Our own document loader: JSON-LD contexts only from the vendored copies (each contexts-dir and
// its index.json), did:web DIDs and the status list from the test's live server (the site's host
// mapped to it), and nothing else: no request reaches the internet.
import { readFileSync } from "node:fs";
import path from "node:path";

import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import { checkStatus } from "@digitalbazaar/vc-bitstring-status-list";

const [siteOrigin, liveOrigin, contextsDirs, ...credentialPaths] = process.argv.slice(2);
const siteHost = new URL(siteOrigin).host;
const index = {};
for (const dir of contextsDirs.split(":")) {
  const listed = JSON.parse(readFileSync(path.join(dir, "index.json"), "utf8"));
  for (const [url, name] of Object.entries(listed)) index[url] = path.join(dir, name);
}
const MULTIKEY_V1 = "https://w3id.org/security/multikey/v1";
const requested = [];

async function fromSite(url) {
  const parsed = new URL(url);
  if (parsed.host !== siteHost) throw new Error(`offline test: refused to fetch ${url}`);
  const response = await fetch(liveOrigin + parsed.pathname + parsed.search);
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`);
  return response.json();
}

// did:web:<host>:<path...> -> https://<host>/<path...>/did.json (did:web method, section 3.2).
function didWebUrl(did) {
  const [host, ...segments] = did.slice("did:web:".length).split(":");
  return `https://${decodeURIComponent(host)}/${segments.map(decodeURIComponent).join("/")}/did.json`;
}

async function documentLoader(url) {
  requested.push(url);
  if (index[url]) {
    const document = JSON.parse(readFileSync(index[url], "utf8"));
    return { contextUrl: null, documentUrl: url, document };
  }
  if (url.startsWith("did:web:")) {
    const [did, fragment] = url.split("#");
    const didDocument = await fromSite(didWebUrl(did));
    if (didDocument.id !== did) throw new Error(`DID document of ${did} names ${didDocument.id}`);
    if (!fragment) return { contextUrl: null, documentUrl: url, document: didDocument };
    const method = didDocument.verificationMethod.find((m) => m.id === url);
    if (!method) throw new Error(`${did} publishes no key ${url}`);
    return { contextUrl: null, documentUrl: url, document: { "@context": MULTIKEY_V1, ...method } };
  }
  if (url.startsWith("http")) {
    return { contextUrl: null, documentUrl: url, document: await fromSite(url) };
  }
  throw new Error(`offline test: refused to load ${url}`);
}

const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022 });
const results = [];
for (const credentialPath of credentialPaths) {
  const credential = JSON.parse(readFileSync(credentialPath, "utf8"));
  const result = await vc.verifyCredential({ credential, suite, documentLoader, checkStatus });
  results.push({
    path: credentialPath,
    verified: result.verified,
    errors: [result.error, ...(result.error?.errors || [])]
      .filter(Boolean)
      .map((error) => String(error.message || error)),
    statusVerified: result.statusResult?.verified ?? null,
    // One entry per credentialStatus; ours has one, of purpose "revocation".
    revoked: result.statusResult?.results?.some((entry) => entry.status === true) ?? null,
  });
}
process.stdout.write(JSON.stringify({ results, requested }, null, 2));
