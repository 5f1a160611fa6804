/*
 * No work lost in the plan editor.
 *
 * htmx posts the form on change, a moment after typing stops, and on the "autosave" event this
 * script fires every few seconds while there are unsaved changes. Every keystroke is also kept
 * in localStorage (per person, plan and form) until the server confirms it has the same text,
 * so a closed tab, a lost connection or an expired session loses nothing: the text comes back
 * when the page is opened again and is saved then. Saves carry the version they edited; when the
 * server refuses a stale one, autosave pauses until the person chooses which text to keep.
 *
 * The forms are "novalidate": htmx would otherwise not send a form with one field the browser
 * thinks invalid, and nothing at all would be saved. The server saves every value that validates; a value that does not (a link that is not a web
 * address) stays on the page and in the local draft, its field is marked with the message
 * (aria-invalid, aria-describedby), and the status line says "Not saved" for as long as the
 * server does not hold what is on the screen. Leaving the page then asks first.
 */
(function () {
  "use strict";

  var PREFIX = "microcreds:draft:";
  var INTERVAL_MS = 5000;
  var SKIPPED = {
    csrfmiddlewaretoken: true,
    version: true,
    editor_token: true,
    "sources-INITIAL_FORMS": true,
    "sources-MIN_NUM_FORMS": true,
    "sources-MAX_NUM_FORMS": true,
  };

  function storageKey(form) {
    return PREFIX + form.dataset.draftKey;
  }

  function readDraft(form) {
    try {
      return JSON.parse(window.localStorage.getItem(storageKey(form)) || "null");
    } catch (error) {
      return null;
    }
  }

  function writeDraft(form, draft) {
    try {
      window.localStorage.setItem(storageKey(form), JSON.stringify(draft));
    } catch (error) {
      /* Storage full or disabled: the server-side autosave still runs. */
    }
  }

  function clearDraft(form) {
    try {
      window.localStorage.removeItem(storageKey(form));
    } catch (error) {
      /* Nothing to clear. */
    }
  }

  function serialize(form) {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || SKIPPED[name] || element.type === "submit" || element.type === "button") {
        return;
      }
      if (element.type === "checkbox") {
        values[name] = values[name] || [];
        if (element.checked) {
          values[name].push(element.value);
        }
      } else if (element.type === "radio") {
        if (element.checked) {
          values[name] = element.value;
        } else if (!(name in values)) {
          values[name] = "";
        }
      } else {
        values[name] = element.value;
      }
    });
    return values;
  }

  function same(a, b) {
    return JSON.stringify(a) === JSON.stringify(b);
  }

  function versionInput(form) {
    return form.querySelector("input[name=version]");
  }

  function tokenInput(form) {
    return form.querySelector("input[name=editor_token]");
  }

  function statusElement(form) {
    return form.querySelector(".save-status");
  }

  // A time as the site writes it everywhere else (TIME_FORMAT "g:i a" in microcreds/formats):
  // "9:47 a.m.", never the browser's own "9:47:12 AM".
  function siteTime(moment) {
    var hours = moment.getHours();
    var minutes = moment.getMinutes();
    return (
      (hours % 12 || 12) + ":" + (minutes < 10 ? "0" : "") + minutes + (hours < 12 ? " a.m." : " p.m.")
    );
  }

  function setStatus(form, text) {
    var status = statusElement(form);
    if (status) {
      status.textContent = text;
    }
  }

  function keepDraft(form, savedAt) {
    writeDraft(form, {
      values: serialize(form),
      version: versionInput(form).value,
      token: tokenInput(form).value,
      savedAt: savedAt || Date.now(),
    });
  }

  function remember(form) {
    if (form.dataset.dirty !== "true" && !form.dataset.paused) {
      setStatus(form, "Not saved yet: your changes are saved in a moment.");
    }
    form.dataset.dirty = "true";
    keepDraft(form);
  }

  // Each field's message is in the element "<its id>_error" (Django's auto_id and our field
  // template); a field with a message is marked invalid and described by it.
  function markFields(form) {
    var invalid = false;
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || SKIPPED[name] || element.type === "hidden") {
        return;
      }
      var error = document.getElementById("id_" + name + "_error");
      if (!error) {
        return;
      }
      var message = error.textContent.trim();
      var described = (element.getAttribute("aria-describedby") || "")
        .split(/\s+/)
        .filter(function (id) {
          return id && id !== error.id;
        });
      var holder = element.closest(".field");
      if (message) {
        invalid = true;
        element.setAttribute("aria-invalid", "true");
        described.push(error.id);
      } else {
        element.removeAttribute("aria-invalid");
      }
      if (described.length) {
        element.setAttribute("aria-describedby", described.join(" "));
      } else {
        element.removeAttribute("aria-describedby");
      }
      if (holder) {
        holder.classList.toggle("field-invalid", Boolean(message));
      }
    });
    if (invalid) {
      form.dataset.invalid = "true";
    } else {
      delete form.dataset.invalid;
    }
  }

  function unsaved(form) {
    return Boolean(
      form.dataset.dirty === "true" || form.dataset.invalid || form.dataset.paused
    );
  }

  function addSourceRow(form) {
    var template = document.getElementById("source-template");
    var total = form.querySelector("input[name=sources-TOTAL_FORMS]");
    var rows = document.getElementById("source-rows");
    if (!template || !total || !rows) {
      return;
    }
    var index = parseInt(total.value, 10);
    var html = template.innerHTML
      .replace(/__prefix__/g, String(index))
      .replace(/__number__/g, String(index + 1));
    rows.insertAdjacentHTML("beforeend", html);
    total.value = String(index + 1);
  }

  function restore(form, values) {
    var total = form.querySelector("input[name=sources-TOTAL_FORMS]");
    var wanted = parseInt(values["sources-TOTAL_FORMS"] || "0", 10);
    while (total && parseInt(total.value, 10) < wanted) {
      addSourceRow(form);
    }
    Array.prototype.forEach.call(form.elements, function (element) {
      var name = element.name;
      if (!name || SKIPPED[name] || !(name in values)) {
        return;
      }
      if (element.type === "checkbox") {
        element.checked = values[name].indexOf(element.value) !== -1;
      } else if (element.type === "radio") {
        element.checked = values[name] === element.value;
      } else if (element.type !== "submit" && element.type !== "button") {
        element.value = values[name];
      }
    });
  }

  function saveNow(form) {
    if (form.dataset.paused || form.dataset.inflight === "true") {
      return;
    }
    window.htmx.trigger(form, "autosave");
  }

  function setUp(form) {
    var draft = readDraft(form);
    if (draft && draft.values) {
      if (same(draft.values, serialize(form))) {
        clearDraft(form);
      } else {
        restore(form, draft.values);
        // Save from the version the text was written on, so a newer text is never overwritten.
        versionInput(form).value = draft.version;
        if (draft.token) {
          tokenInput(form).value = draft.token;
        }
        var notice = form.querySelector(".draft-restored");
        if (notice) {
          notice.textContent =
            "We restored text you typed at " +
            siteTime(new Date(draft.savedAt)) +
            " that had not been saved yet. It is being saved now.";
          notice.hidden = false;
        }
        form.dataset.dirty = "true";
        writeDraft(form, {
          values: serialize(form),
          version: versionInput(form).value,
          token: tokenInput(form).value,
          savedAt: draft.savedAt,
        });
      }
    }

    form.addEventListener("input", function () {
      remember(form);
    });
    form.addEventListener("change", function () {
      remember(form);
    });

    form.addEventListener("htmx:beforeRequest", function (event) {
      if (event.detail.elt !== form) {
        return;
      }
      if (form.dataset.paused) {
        event.preventDefault();
        return;
      }
      form.dataset.inflight = "true";
      form._sentValues = serialize(form);
      setStatus(form, "Saving…");
    });

    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt !== form) {
        return;
      }
      form.dataset.inflight = "false";
      var xhr = event.detail.xhr;
      var outcome = xhr ? xhr.getResponseHeader("X-Autosave") : null;
      if (xhr && xhr.status === 401) {
        form.dataset.paused = "signed-out";
        var holder = document.createElement("div");
        holder.innerHTML = xhr.responseText;
        var status = statusElement(form);
        if (status && holder.firstElementChild) {
          status.innerHTML = holder.firstElementChild.innerHTML;
        }
        return;
      }
      var version = xhr ? xhr.getResponseHeader("X-Autosave-Version") : null;
      if (version) {
        versionInput(form).value = version;
      }
      if (outcome === "saved" || outcome === "unchanged" || outcome === "invalid") {
        markFields(form);
      }
      if (outcome === "saved" || outcome === "unchanged") {
        if (same(form._sentValues, serialize(form))) {
          clearDraft(form);
          form.dataset.dirty = "false";
        } else {
          form.dataset.dirty = "false";
          remember(form);
        }
        var notice = form.querySelector(".draft-restored");
        if (notice && !notice.hidden && form.dataset.dirty === "false") {
          notice.textContent = "The restored text is saved.";
        }
        return;
      }
      if (outcome === "conflict" || outcome === "refused") {
        form.dataset.paused = outcome;
        return;
      }
      if (outcome === "invalid") {
        // What validated is saved; the rest stays here and in the local draft (now of the
        // version the server holds). Wait for the next edit rather than resending it.
        keepDraft(form);
        if (same(form._sentValues, serialize(form))) {
          form.dataset.dirty = "false";
        } else {
          remember(form);
        }
        return;
      }
      if (xhr && (xhr.status === 403 || xhr.status === 404)) {
        form.dataset.paused = "refused";
        setStatus(
          form,
          "Not saved: this page has expired or you no longer have access. Your text is kept " +
            "in this browser; reload the page (signing in again if asked) and it will be saved."
        );
        return;
      }
      if (!outcome) {
        setStatus(
          form,
          "Not saved: the server could not be reached. Your text is kept in this browser " +
            "and will be saved when the connection returns."
        );
      }
    });

    window.setInterval(function () {
      if (form.dataset.dirty === "true") {
        saveNow(form);
      }
    }, INTERVAL_MS);

    form.addEventListener("submit", function () {
      // The Save button posts the form itself: that is no leaving with unsaved text.
      form.dataset.submitting = "true";
    });

    // Last chance when the tab closes: send what is unsaved; the local draft stays regardless.
    window.addEventListener("pagehide", function () {
      if (form.dataset.dirty === "true" && !form.dataset.paused && navigator.sendBeacon) {
        navigator.sendBeacon(form.action, new FormData(form));
      }
    });

    if (form.dataset.dirty === "true") {
      saveNow(form);
    }
  }

  document.addEventListener("click", function (event) {
    var target = event.target;
    if (!(target instanceof Element)) {
      return;
    }
    var form = target.closest("form[data-autosave]");
    if (target.matches("[data-add-source]") && form) {
      addSourceRow(form);
      remember(form);
      return;
    }
    if (target.matches("[data-keep-mine]") && form) {
      versionInput(form).value = target.dataset.version;
      delete form.dataset.paused;
      var conflict = target.closest(".conflict");
      if (conflict) {
        conflict.innerHTML = "";
        conflict.removeAttribute("role");
        conflict.hidden = true;
      }
      remember(form);
      saveNow(form);
      return;
    }
    if (target.matches("[data-use-saved]") && form) {
      clearDraft(form);
      form.dataset.dirty = "false";
      window.location.reload();
    }
  });

  function start() {
    var forms = document.querySelectorAll("form[data-autosave]");
    forms.forEach(function (form) {
      var addButton = form.querySelector("[data-add-source]");
      if (addButton) {
        addButton.hidden = false;
      }
      setUp(form);
    });
    // Leaving with text the server does not hold asks first (the local draft keeps it anyway).
    window.addEventListener("beforeunload", function (event) {
      var holding = Array.prototype.some.call(forms, function (form) {
        return unsaved(form) && !form.dataset.submitting;
      });
      if (holding) {
        event.preventDefault();
        event.returnValue = "";
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
