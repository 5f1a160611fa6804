/* Evidence uploads: straight to object storage (presigned POST, or multipart for large files that
   resume after a broken connection), or through the app on local storage. One row per file with a
   progress bar, cancel and retry (only where retrying can help: a file refused for what it is
   is removed instead); a failed file never touches the other files or the plan.
   Each part of a multipart upload carries its CRC32, which storage checks: a part damaged on its
   way is refused, and sent again. */
(function () {
  "use strict";

  var root = document.querySelector("[data-artifact-uploader]");
  if (!root) return;
  var form = root.querySelector("#artifact-upload-form");
  var list = root.querySelector("[data-upload-list]");
  var summary = root.querySelector("[data-upload-error]");
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var PARALLEL_PARTS = 4;
  var PART_TRIES = 3;
  var SIGN_BATCH = 8;
  var POLL_MS = 1500;

  // CRC32 as zlib and S3 compute it (reflected polynomial 0xEDB88320), one table lookup a byte.
  var CRC_TABLE = (function () {
    var table = new Int32Array(256);
    for (var n = 0; n < 256; n++) {
      var c = n;
      for (var k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
    return table;
  })();

  function crc32(bytes) {
    var crc = -1;
    for (var i = 0; i < bytes.length; i++) crc = CRC_TABLE[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    return (crc ^ -1) >>> 0;
  }

  // What S3's x-amz-checksum-crc32 header holds: the base64 of the checksum's 4 bytes, big-endian.
  function crc32Header(blob) {
    return blob.arrayBuffer().then(function (buffer) {
      var c = crc32(new Uint8Array(buffer));
      return btoa(String.fromCharCode(c >>> 24, (c >>> 16) & 0xff, (c >>> 8) & 0xff, c & 0xff));
    });
  }

  var humanSize = window.humanSize;  // static/js/human-size.js: as the server writes sizes

  function api(method, url, body) {
    var options = { method: method, credentials: "same-origin", headers: { "X-CSRFToken": csrf } };
    if (body) options.body = body;
    return fetch(url, options).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (!response.ok) {
          var error = new Error(data.error || "The server answered " + response.status + ".");
          error.status = response.status;
          error.fields = data.fields;
          // False when the refusal is final (the file itself): no Retry, only Remove.
          error.retryable = data.retryable !== false;
          throw error;
        }
        return data;
      });
    });
  }

  function showSummary(messages) {
    summary.textContent = "";
    if (!messages.length) { summary.hidden = true; return; }
    var title = document.createElement("h2");
    title.textContent = "Please correct the following";
    var ul = document.createElement("ul");
    messages.forEach(function (m) { var li = document.createElement("li"); li.textContent = m; ul.appendChild(li); });
    summary.appendChild(title);
    summary.appendChild(ul);
    summary.hidden = false;
    summary.focus();
  }

  function showFieldErrors(fields) {
    form.querySelectorAll("[data-error-for]").forEach(function (p) { p.textContent = ""; });
    Object.keys(fields || {}).forEach(function (name) {
      var slot = form.querySelector('[data-error-for="' + name + '"]');
      if (slot) slot.textContent = fields[name].join(" ");
    });
  }

  function refreshList() {
    var current = document.querySelector("[data-artifact-list]");
    if (!current) return;
    fetch(form.dataset.listUrl, { credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (!html) return;
        var holder = document.createElement("div");
        holder.innerHTML = html;
        var fresh = holder.querySelector("[data-artifact-list]");
        if (fresh) current.replaceWith(fresh);
      });
  }

  // What the form says of the files (kind, title, description, the privacy checklist).
  function formDetails() {
    var details = new FormData(form);
    details.delete("files");
    return details;
  }

  function resumeKey(file) {
    return "mc-upload:" + form.dataset.startUrl + ":" + file.name + ":" + file.size + ":" + file.lastModified;
  }

  function Upload(file, details) {
    this.file = file;
    this.details = details;
    this.requests = [];
    this.grant = null;
    this.row = document.createElement("li");
    this.row.className = "upload";
    var label = document.createElement("span");
    label.className = "upload-name";
    label.textContent = file.name + " (" + humanSize(file.size) + ")";
    this.bar = document.createElement("progress");
    this.bar.max = 100;
    this.bar.value = 0;
    this.bar.setAttribute("aria-label", "Upload of " + file.name);
    this.status = document.createElement("span");
    this.status.className = "upload-status";
    this.status.setAttribute("role", "status");
    this.cancelButton = this.button("Cancel", this.cancel.bind(this));
    this.retryButton = this.button("Retry", this.start.bind(this));
    this.retryButton.hidden = true;
    this.removeButton = this.button("Remove", this.remove.bind(this));
    this.removeButton.hidden = true;
    this.row.append(label, " ", this.bar, " ", this.status, " ", this.cancelButton, " ", this.retryButton, " ", this.removeButton);
    list.appendChild(this.row);
  }

  Upload.prototype.button = function (text, handler) {
    var b = document.createElement("button");
    b.type = "button";
    b.className = "secondary";
    b.textContent = text;
    var sr = document.createElement("span");
    sr.className = "visually-hidden";
    sr.textContent = " " + this.file.name;
    b.appendChild(sr);
    b.addEventListener("click", handler);
    return b;
  };

  Upload.prototype.setState = function (state, text) {
    this.row.dataset.state = state;
    this.status.textContent = text;
    var active = state === "uploading" || state === "starting";
    this.cancelButton.hidden = !active;
    this.retryButton.hidden = !(state === "failed" || state === "cancelled");
    // Refused before anything was stored, for good: the row is all there is to remove.
    this.removeButton.hidden = state !== "declined";
  };

  Upload.prototype.remove = function () {
    this.row.remove();
    form.querySelector("input[type=file]").focus();
  };

  Upload.prototype.progress = function (loaded) {
    // Parts still in flight when another part failed for good must not hide that failure.
    var state = this.row.dataset.state;
    if (state !== "starting" && state !== "uploading") return;
    var pct = this.file.size ? Math.min(100, Math.floor((loaded / this.file.size) * 100)) : 100;
    this.bar.value = pct;
    this.setState("uploading", "Uploading: " + pct + "% (" + humanSize(loaded) + " of " + humanSize(this.file.size) + ")");
  };

  Upload.prototype.xhr = function (method, url, body, onProgress, headers) {
    var self = this;
    return new Promise(function (resolve, reject) {
      var xhr = new XMLHttpRequest();
      self.requests.push(xhr);
      xhr.open(method, url);
      Object.keys(headers || {}).forEach(function (h) { xhr.setRequestHeader(h, headers[h]); });
      xhr.upload.onprogress = function (e) { if (e.lengthComputable) onProgress(e.loaded); };
      xhr.onload = function () {
        self.requests = self.requests.filter(function (r) { return r !== xhr; });
        if (xhr.status >= 200 && xhr.status < 300) resolve(xhr);
        else {
          var message = "Storage refused the upload (" + xhr.status + ").";
          try {
            var data = JSON.parse(xhr.responseText);
            if (data.error) message = data.error;
          } catch (ignored) {
            // XML from storage, e.g. BadDigest: the bytes it received do not match their checksum.
            var said = /<Message>([^<]*)<\/Message>/.exec(xhr.responseText || "");
            if (said) message = "Storage refused the upload (" + xhr.status + "): " + said[1];
          }
          reject(new Error(message));
        }
      };
      xhr.onerror = function () { reject(new Error("The connection broke.")); };
      xhr.onabort = function () { var e = new Error("Cancelled."); e.cancelled = true; reject(e); };
      xhr.send(body);
    });
  };

  Upload.prototype.start = function () {
    var self = this;
    self.cancelled = false;
    self.bar.value = 0;
    self.setState("starting", "Starting…");
    if (self.detailsRefused) {
      // Refused for what it went up as (its kind of evidence, its title): a retry sends the
      // file again with what the form says now, as a new upload.
      self.detailsRefused = false;
      self.details = formDetails();
      if (self.grant && self.grant.abort_url) api("POST", self.grant.abort_url).catch(function () { return null; });
      localStorage.removeItem(resumeKey(self.file));
      self.grant = null;
    }
    if (self.grant && self.grant.method !== "multipart" && self.grant.abort_url) {
      // A retry of a small file starts a fresh upload; the unfinished one is dropped.
      api("POST", self.grant.abort_url).catch(function () { return null; });
      self.grant = null;
    }
    var saved = null;
    try { saved = JSON.parse(localStorage.getItem(resumeKey(self.file)) || "null"); } catch (ignored) { saved = null; }
    var begin = saved ? Promise.resolve(saved) : self.announce();
    return begin
      .then(function (grant) {
        self.grant = grant;
        if (grant.method === "multipart") {
          localStorage.setItem(resumeKey(self.file), JSON.stringify(grant));
          return self.multipart(grant).catch(function (error) {
            // A stale resume record (finished or cancelled elsewhere): start over once.
            if (saved && (error.status === 404 || error.status === 409)) {
              localStorage.removeItem(resumeKey(self.file));
              saved = null;
              return self.announce().then(function (fresh) { self.grant = fresh; return self.send(fresh); });
            }
            throw error;
          });
        }
        return self.send(grant);
      })
      .then(function (key) {
        self.bar.value = 100;
        self.setState("checking", "Uploaded; checking the file…");
        var body = new FormData();
        if (key) body.append("key", key);
        return api("POST", self.grant.finish_url, body);
      })
      .then(function () {
        localStorage.removeItem(resumeKey(self.file));
        return self.poll();
      })
      .catch(function (error) {
        if (error.cancelled || self.cancelled) return;
        if (error.retryable === false) {
          // Refused for what the file is (its name, size or type): sent again, it would be
          // refused again, so there is nothing to retry.
          localStorage.removeItem(resumeKey(self.file));
          self.grant = null;
          self.setState("declined", "Refused: " + error.message +
            " Your other files and the plan are not affected.");
          return;
        }
        if (error.status === 400 && self.grant && !self.grant.uuid) self.grant = null;
        if (error.status === 400) self.detailsRefused = true;
        self.setState("failed", "Failed: " + error.message + (self.detailsRefused
          ? " Correct the details above, then press Retry." : "") +
          " Your other files and the plan are not affected.");
      });
  };

  Upload.prototype.announce = function () {
    var body = new FormData();
    this.details.forEach(function (value, name) { body.append(name, value); });
    body.append("file_name", this.file.name);
    body.append("size", String(this.file.size));
    return api("POST", form.dataset.startUrl, body);
  };

  Upload.prototype.send = function (grant) {
    var self = this;
    if (grant.method === "multipart") return self.multipart(grant);
    if (grant.method === "local") {
      return self.xhr("PUT", grant.url, self.file, self.progress.bind(self), {
        "X-CSRFToken": csrf,
        "Content-Type": "application/octet-stream",
      }).then(function () { return ""; });
    }
    var body = new FormData();
    Object.keys(grant.fields).forEach(function (name) { body.append(name, grant.fields[name]); });
    body.append("file", self.file);
    return self.xhr("POST", grant.url, body, self.progress.bind(self)).then(function (xhr) {
      var match = /<Key>([^<]*)<\/Key>/.exec(xhr.responseText || "");
      return match ? match[1].replace(/&amp;/g, "&") : "";
    });
  };

  Upload.prototype.multipart = function (grant) {
    var self = this;
    var size = grant.part_size;
    var count = grant.part_count;
    var loaded = {};
    function total() { return Object.keys(loaded).reduce(function (s, k) { return s + loaded[k]; }, 0); }
    function partOf(number) { return self.file.slice((number - 1) * size, Math.min(number * size, self.file.size)); }
    return api("GET", grant.parts_url).then(function (listing) {
      var todo = [];
      var done = {};
      listing.parts.forEach(function (p) { done[p.part_number] = true; loaded[p.part_number] = p.size; });
      for (var n = 1; n <= count; n++) if (!done[n]) todo.push(n);
      self.progress(total());
      // Part number -> promise of {url, checksum}: the URL is signed for that checksum.
      var signed = {};
      function sign(batch) {
        // The checksums one part at a time (one part's bytes in memory), then one request.
        var checksums = {};
        var computed = batch.reduce(function (chain, number) {
          return chain.then(function () { return crc32Header(partOf(number)); })
            .then(function (checksum) { checksums[number] = checksum; });
        }, Promise.resolve());
        var request = computed.then(function () {
          var body = new FormData();
          batch.forEach(function (number) { body.append("part", number + ":" + checksums[number]); });
          return api("POST", grant.sign_url, body);
        });
        batch.forEach(function (number) {
          signed[number] = request.then(function (answer) {
            return { url: answer.urls[number], checksum: checksums[number] };
          });
          // A failed request is reported by the part that waits on it, when its turn comes.
          signed[number].catch(function () { return null; });
        });
      }
      function signedPart(number) {
        // Sign this part and the next few waiting in one request.
        if (!signed[number]) sign([number].concat(todo.filter(function (n) { return !signed[n]; }).slice(0, SIGN_BATCH - 1)));
        return signed[number];
      }
      function uploadPart(number, tries) {
        var blob = partOf(number);
        return signedPart(number)
          .then(function (part) {
            return self.xhr("PUT", part.url, blob, function (l) {
              loaded[number] = l;
              self.progress(total());
            }, { "x-amz-checksum-crc32": part.checksum });
          })
          .then(function () { loaded[number] = blob.size; self.progress(total()); })
          .catch(function (error) {
            if (error.cancelled || self.cancelled || tries <= 1) throw error;
            // Broken connection or a part storage refused: checksum, sign and send it again.
            loaded[number] = 0;
            delete signed[number];
            return new Promise(function (r) { setTimeout(r, 1000); }).then(function () { return uploadPart(number, tries - 1); });
          });
      }
      function worker() {
        var next = todo.shift();
        if (next === undefined) return Promise.resolve();
        return uploadPart(next, PART_TRIES).then(worker);
      }
      var workers = [];
      for (var i = 0; i < Math.min(PARALLEL_PARTS, todo.length || 1); i++) workers.push(worker());
      return Promise.all(workers).then(function () { return ""; });
    });
  };

  // Once a file is accepted, the title and description it went up with are cleared, so that the
  // next upload does not reuse them; what was typed since, for the next one, is left alone.
  function clearSentDetails(details) {
    ["title", "description"].forEach(function (name) {
      var field = form.querySelector("[name=" + name + "]");
      if (field && field.value && field.value === details.get(name)) field.value = "";
    });
  }

  Upload.prototype.poll = function () {
    var self = this;
    return api("GET", self.grant.status_url).then(function (state) {
      if (state.status === "accepted") {
        self.bar.value = 100;
        self.setState("done", "Done: accepted.");
        clearSentDetails(self.details);
        refreshList();
        return null;
      }
      if (state.status === "refused") {
        self.setState("refused", "Refused: " + state.reason);
        refreshList();
        return null;
      }
      return new Promise(function (r) { setTimeout(r, POLL_MS); }).then(function () { return self.poll(); });
    });
  };

  Upload.prototype.cancel = function () {
    var self = this;
    self.cancelled = true;
    self.requests.forEach(function (xhr) { xhr.abort(); });
    self.requests = [];
    localStorage.removeItem(resumeKey(self.file));
    var grant = self.grant;
    self.grant = null;
    self.setState("cancelled", "Cancelled.");
    if (grant && grant.abort_url) api("POST", grant.abort_url).catch(function () { return null; });
  };

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var input = form.querySelector("input[type=file]");
    var files = Array.prototype.slice.call(input.files);
    var details = formDetails();
    var problems = [];
    if (!files.length) problems.push("Choose at least one file.");
    if (!form.querySelector("[name=confirmed_no_identifying_info]").checked ||
        !form.querySelector("[name=confirmed_consent_on_file]").checked) {
      problems.push("Confirm both points of the privacy checklist.");
    }
    showFieldErrors(problems.length && !files.length ? { files: ["Choose at least one file."] } : {});
    showSummary(problems);
    if (problems.length) return;
    files.forEach(function (file) { new Upload(file, details).start(); });
    input.value = "";
  });
})();
