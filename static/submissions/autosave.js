/*
 * No work lost in the plan editor.
 *
 * htmx posts the form on change, a moment after typing stops, and on the "autosave" event this
 * script fires every few seconds while there are unsaved changes. Every keystroke is also kept
 * in localStorage until the server confirms it has the same text, so a closed tab, a lost
 * connection or an expired session loses nothing: the text comes back when the page is opened
 * again and is saved then. Saves carry the version they edited and what they changed since
 * (below); a save that does not say (a page of before) and is refused as stale pauses autosave
 * until the person chooses which text to keep.
 *
 * The draft holds only the fields the person changed here, each with the text it started from
 * (the server's, as this tab last knew it) and the text typed since; never a copy of the whole
 * form, which would put back, over a colleague's newer text, fields this tab never touched.
 * When the page opens, a changed field whose saved text is still the one it started from is
 * restored; one that was also changed and saved elsewhere since is shown with both texts, and
 * the person chooses which to keep. Each page keeps its own draft (per person, plan, form and
 * page), so a tab that saves never clears another's; a page opened takes in every draft kept
 * for its form (a closed tab's, or one still open, whose unsaved text it then saves: texts are
 * compared field by field, so that is never an overwrite) and clears them once it keeps them.
 *
 * Both tabs open at once are kept apart the same way. Every save says which fields this page
 * changed since the version it saves from, each with the text it started from ("edited"; a
 * research source is one field, its four values together). When another tab or device saved
 * meanwhile, the server writes only those fields, each where the newer version still has the
 * text it started from, and leaves the others as the newer version has them; it answers with
 * the newer text, which the form takes, and this page's text of each field changed on both
 * sides, offered with both texts to choose from, as a restored draft's are.
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
  var TOTAL = "sources-TOTAL_FORMS";
  // A research source as one field ("sources-2"): its four values together.
  var SOURCE_ROW = /^sources-(\d+)$/;
  var SOURCE_FIELDS = ["citation", "kind", "url", "learned"];
  var SKIPPED = {
    csrfmiddlewaretoken: true,
    version: true,
    editor_token: true,
    edited: true,
    started: true,
    choices: true,
    "sources-INITIAL_FORMS": true,
    "sources-MIN_NUM_FORMS": true,
    "sources-MAX_NUM_FORMS": true,
  };
  // This page's own draft, apart from those of the other tabs open on the same form.
  var PAGE_ID = Date.now().toString(36) + Math.random().toString(36).slice(2, 10);

  function formKey(form) {
    return PREFIX + form.dataset.draftKey;
  }

  function storageKey(form) {
    return formKey(form) + ":" + PAGE_ID;
  }

  // Every draft kept for this form: of this page, of other tabs (closed or open), and one of
  // the earlier kind (under the form's key alone, holding every field's value).
  function draftKeys(form) {
    var keys = [];
    try {
      for (var index = 0; index < window.localStorage.length; index += 1) {
        var key = window.localStorage.key(index);
        if (key === formKey(form) || (key && key.indexOf(formKey(form) + ":") === 0)) {
          keys.push(key);
        }
      }
    } catch (error) {
      /* Storage disabled: there is no draft. */
    }
    return keys;
  }

  function readKey(key) {
    try {
      return JSON.parse(window.localStorage.getItem(key) || "null");
    } catch (error) {
      return null;
    }
  }

  function removeKey(key) {
    try {
      window.localStorage.removeItem(key);
    } catch (error) {
      /* Nothing to clear. */
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
    removeKey(storageKey(form));
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
  // "9:47 a.m.", never the browser's own "9:47:12 AM"; and in the site's time zone, which the
  // form names (data-time-zone), as the status line's times from the server are, never the
  // browser's own zone (a laptop still on another zone's time would contradict them).
  function siteTime(form, moment) {
    var hours = moment.getHours();
    var minutes = moment.getMinutes();
    var zone = form.dataset.timeZone;
    if (zone && window.Intl) {
      try {
        var parts = {};
        new Intl.DateTimeFormat("en-US", {
          timeZone: zone,
          hour: "numeric",
          minute: "numeric",
          hourCycle: "h23",
        })
          .formatToParts(moment)
          .forEach(function (part) {
            parts[part.type] = part.value;
          });
        hours = parseInt(parts.hour, 10) % 24;
        minutes = parseInt(parts.minute, 10);
      } catch (error) {
        /* A zone this browser does not know: its own clock's time. */
      }
    }
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

  var CHOOSE =
    "Some of what you changed was changed elsewhere too: choose which text to keep below.";

  // While a choice is left to make, the status line says so first; what the server said
  // follows (its "All changes saved." read as "Everything else is saved.").
  function noteChoices(form) {
    var status = statusElement(form);
    if (!status || !Object.keys(form._choices).length) {
      return;
    }
    if (status.textContent.indexOf(CHOOSE) === -1) {
      if (status.textContent.trim() === "All changes saved.") {
        status.textContent = "Everything else is saved.";
      }
      status.insertBefore(document.createTextNode(CHOOSE + " "), status.firstChild);
    }
    status.classList.add("save-status-unsaved");
  }

  function has(object, name) {
    return Object.prototype.hasOwnProperty.call(object, name);
  }

  function known(values, name) {
    return has(values, name) ? values[name] : null;
  }

  // The source in place ``index`` of ``values`` (null when there is no such row).
  function sourceAt(values, index) {
    var prefix = "sources-" + index + "-";
    if (!has(values, prefix + "citation")) {
      return null;
    }
    var source = {};
    SOURCE_FIELDS.forEach(function (field) {
      source[field] = known(values, prefix + field) || "";
    });
    return source;
  }

  // A field's value in ``values``; a source's, its four values.
  function valueOf(values, name) {
    var row = SOURCE_ROW.exec(name);
    return row ? sourceAt(values, row[1]) : known(values, name);
  }

  // The fields whose value here is not the server's as this page last knew it (``_base``):
  // each with the text it started from and the text typed since. The number of source rows is
  // not one: a row added carries its own fields.
  function edits(form) {
    var values = serialize(form);
    var changed = {};
    Object.keys(values).forEach(function (name) {
      var from = known(form._base, name);
      if (name !== TOTAL && !same(values[name], from)) {
        changed[name] = { from: from, to: values[name] };
      }
    });
    return changed;
  }

  // What this page changed since the version it saves from, each field with the text it started
  // from (a source: its four values, null when the row was not there).
  function editedBases(form) {
    var changed = edits(form);
    var bases = {};
    Object.keys(changed).forEach(function (name) {
      var row = /^sources-(\d+)-/.exec(name);
      if (row) {
        bases["sources-" + row[1]] = sourceAt(form._base, row[1]);
      } else {
        bases[name] = changed[name].from;
      }
    });
    return bases;
  }

  function keepDraft(form) {
    var changed = edits(form);
    if (!Object.keys(changed).length && !Object.keys(form._choices).length) {
      clearDraft(form);
      return;
    }
    writeDraft(form, {
      edits: changed,
      choices: form._choices,
      version: versionInput(form).value,
      token: tokenInput(form).value,
      sent: form._sentValues || null,
      savedAt: form._typedAt || Date.now(),
    });
  }

  function remember(form) {
    if (form.dataset.dirty !== "true" && !form.dataset.paused) {
      setStatus(form, "Not saved yet: your changes are saved in a moment.");
    }
    form.dataset.dirty = "true";
    form._typedAt = Date.now();
    keepDraft(form);
  }

  // The server holds ``values`` now (those of fields it did not refuse, when ``refused`` says).
  function learnSaved(form, values, refused) {
    Object.keys(values || {}).forEach(function (name) {
      var element = firstElement(form, name);
      if (!(refused && element && element.getAttribute("aria-invalid") === "true")) {
        form._base[name] = values[name];
      }
    });
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
      form.dataset.dirty === "true" ||
        form.dataset.invalid ||
        form.dataset.paused ||
        Object.keys(form._choices || {}).length
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
    // A new row starts empty (its kind chosen by default): that is no change of the person's.
    var values = serialize(form);
    Object.keys(values).forEach(function (name) {
      if (form._base && !has(form._base, name)) {
        form._base[name] = values[name];
      }
    });
  }

  // Enough source rows for the field ``name`` (a field of a row added in another page).
  function ensureRow(form, name) {
    var match = /^sources-(\d+)(?:-|$)/.exec(name);
    var total = form.querySelector("input[name=sources-TOTAL_FORMS]");
    while (match && total && parseInt(total.value, 10) <= parseInt(match[1], 10)) {
      var before = total.value;
      addSourceRow(form);
      if (total.value === before) {
        return;
      }
    }
  }

  function elementsNamed(form, name) {
    return Array.prototype.filter.call(form.elements, function (element) {
      return element.name === name;
    });
  }

  function firstElement(form, name) {
    return elementsNamed(form, name)[0] || null;
  }

  function setValue(form, name, value) {
    ensureRow(form, name);
    if (SOURCE_ROW.test(name)) {
      SOURCE_FIELDS.forEach(function (field) {
        var empty = field === "kind" ? "article" : "";
        setValue(form, name + "-" + field, value ? value[field] || empty : empty);
      });
      return;
    }
    elementsNamed(form, name).forEach(function (element) {
      if (element.type === "checkbox") {
        element.checked = (value || []).indexOf(element.value) !== -1;
      } else if (element.type === "radio") {
        element.checked = value === element.value;
      } else if (element.type !== "submit" && element.type !== "button") {
        element.value = value === null ? "" : value;
      }
    });
  }

  function labelOf(element) {
    var label = element.labels && element.labels[0];
    return label ? label.textContent.trim() : element.value;
  }

  // Where the field is: a source's citation.
  function fieldElement(form, name) {
    return firstElement(form, SOURCE_ROW.test(name) ? name + "-citation" : name);
  }

  // The field as the page names it ("Rationale", "Source 4: Citation", "Source 4").
  function fieldLabel(form, name) {
    var row = SOURCE_ROW.exec(name);
    if (row) {
      var legend = form.querySelectorAll("[data-source-row]")[row[1]];
      legend = legend ? legend.querySelector("legend") : null;
      return legend ? legend.textContent.trim() : "Source " + (parseInt(row[1], 10) + 1);
    }
    var element = firstElement(form, name);
    if (!element) {
      return name;
    }
    var holder = element.closest(".field");
    var caption = holder ? holder.querySelector("legend, label") : null;
    var text = caption ? caption.textContent.trim() : name;
    var row = element.closest("[data-source-row]");
    var legend = row ? row.querySelector("legend") : null;
    return legend ? legend.textContent.trim() + ": " + text : text;
  }

  // A value as the person sees it: the names of the chosen goals or setting, not their ids.
  function shownValue(form, name, value) {
    if (SOURCE_ROW.test(name)) {
      if (!value || !(value.citation || value.url || value.learned)) {
        return "";
      }
      return [
        value.citation + " (" + shownValue(form, name + "-kind", value.kind) + ")",
        value.url,
        value.learned ? "Learned: " + value.learned : "",
      ]
        .filter(Boolean)
        .join("\n");
    }
    var elements = elementsNamed(form, name);
    var element = elements[0];
    if (value === null || value === undefined || !element) {
      return "";
    }
    if (Array.isArray(value) || element.type === "radio") {
      var chosen = Array.isArray(value) ? value : [value];
      return elements
        .filter(function (input) {
          return chosen.indexOf(input.value) !== -1;
        })
        .map(labelOf)
        .join(", ");
    }
    if (element.tagName === "SELECT") {
      var option = Array.prototype.find.call(element.options, function (item) {
        return item.value === value;
      });
      return option ? option.textContent.trim() : value;
    }
    return value;
  }

  function make(tag, text, className) {
    var element = document.createElement(tag);
    if (text) {
      element.textContent = text;
    }
    if (className) {
      element.className = className;
    }
    return element;
  }

  function textCell(form, name, value, marker) {
    var cell = make("td");
    var shown = shownValue(form, name, value);
    var text = make("div", shown || "(empty)", "conflict-text");
    text.setAttribute(marker, "");
    cell.appendChild(text);
    return cell;
  }

  function choiceButton(label, field, marker) {
    var button = make("button", label);
    button.type = "button";
    button.setAttribute(marker, "");
    button.dataset.field = field.name;
    button.appendChild(make("span", " for " + field.label, "visually-hidden"));
    return button;
  }

  // The fields changed both in this browser's draft and on the server since: both texts side
  // by side, and for each a choice. The saved text stays in the form until the person chooses.
  function showChoices(form) {
    var holder = form.querySelector(".draft-choices");
    if (!holder) {
      return;
    }
    var names = Object.keys(form._choices);
    holder.textContent = "";
    holder.hidden = !names.length;
    if (!names.length) {
      holder.removeAttribute("aria-labelledby");
      return;
    }
    var heading = make("h2", "Choose which text to keep: changed here and elsewhere");
    heading.id = holder.id + "-heading";
    holder.setAttribute("aria-labelledby", heading.id);
    holder.appendChild(heading);
    var typedAt = siteTime(form, new Date(form._choices[names[0]].typedAt || Date.now()));
    holder.appendChild(
      make(
        "p",
        "You changed these fields in this browser at " +
          typedAt +
          " without it being saved, and they were changed and saved elsewhere since (in " +
          "another tab or device, or by a colleague). Nothing was overwritten: the form shows " +
          "the saved text. For each field, keep the saved text or use your unsaved text."
      )
    );
    var scroll = make("div", "", "table-scroll");
    scroll.setAttribute("role", "region");
    scroll.setAttribute("aria-label", "Your unsaved text beside the saved text");
    scroll.tabIndex = 0;
    var table = make("table", "", "conflict-table");
    table.appendChild(make("caption", "Your unsaved text beside the saved text", "visually-hidden"));
    var head = make("tr");
    ["Field", "Your unsaved text", "The saved text", "Keep"].forEach(function (title) {
      var cell = make("th", title);
      cell.scope = "col";
      head.appendChild(cell);
    });
    table.appendChild(make("thead")).appendChild(head);
    var body = table.appendChild(make("tbody"));
    names.forEach(function (name) {
      var field = { name: name, label: fieldLabel(form, name) };
      var row = make("tr");
      row.dataset.field = name;
      var header = make("th", field.label);
      header.scope = "row";
      row.appendChild(header);
      row.appendChild(textCell(form, name, form._choices[name].to, "data-draft-mine"));
      row.appendChild(textCell(form, name, valueOf(form._base, name), "data-draft-saved"));
      var actions = make("td", "", "conflict-actions");
      actions.appendChild(choiceButton("Keep the saved text", field, "data-draft-keep-saved"));
      actions.appendChild(document.createTextNode(" "));
      actions.appendChild(choiceButton("Use my unsaved text", field, "data-draft-use-mine"));
      row.appendChild(actions);
      body.appendChild(row);
    });
    scroll.appendChild(table);
    holder.appendChild(scroll);
  }

  // Take in every draft kept for this form (this tab's before a reload, a closed tab's, an
  // open tab's) and say what came back. A field the person changed is put back when the saved
  // text is still the one their change started from (or one this browser sent itself); when it
  // was changed elsewhere since, both texts are offered to choose from. A field they did not
  // change is left as saved. Returns the drafts' keys, cleared once this page keeps their text.
  function takeInDrafts(form) {
    var keys = draftKeys(form);
    var restored = [];
    var typedAt = null;
    keys.forEach(function (key) {
      var draft = readKey(key);
      if (!draft) {
        return;
      }
      var sameVersion = String(draft.version) === form._baseVersion;
      var changed = draft.edits || {};
      if (!draft.edits && draft.values) {
        // The earlier kind of draft: every field, without saying which were changed.
        Object.keys(draft.values).forEach(function (name) {
          if (!SKIPPED[name] && name !== TOTAL) {
            changed[name] = { from: sameVersion ? known(form._base, name) : null, to: draft.values[name] };
          }
        });
      }
      var offered = draft.choices || {};
      function consider(name, entry, offeredBefore) {
        ensureRow(form, name);
        var saved = valueOf(form._base, name);
        var here = valueOf(serialize(form), name);
        if (same(entry.to, here) || same(entry.to, saved)) {
          return;
        }
        var sentHere = draft.sent && has(draft.sent, name) && same(draft.sent[name], saved);
        var startedFromSaved = sameVersion || same(entry.from, saved) || sentHere;
        if (!offeredBefore && startedFromSaved && same(here, saved)) {
          setValue(form, name, entry.to);
          restored.push(name);
        } else if (!has(form._choices, name)) {
          form._choices[name] = { from: entry.from, to: entry.to, typedAt: draft.savedAt };
        }
        typedAt = Math.max(typedAt || 0, draft.savedAt || 0) || null;
      }
      // A choice offered before and not made yet is offered again.
      Object.keys(offered).forEach(function (name) {
        consider(name, offered[name], true);
      });
      Object.keys(changed).forEach(function (name) {
        consider(name, changed[name], false);
      });
      if (draft.token && restored.length) {
        tokenInput(form).value = draft.token;
      }
    });
    form._typedAt = typedAt;
    return { keys: keys, restored: restored };
  }

  // The sources as the server holds them, in their places, the rows after them emptied; room
  // is made for ``rows`` rows at least (the places of sources left to choose).
  function takeSources(form, sources, rows) {
    var needed = Math.max(sources.length, rows);
    if (needed) {
      ensureRow(form, "sources-" + (needed - 1));
    }
    var total = form.querySelector("input[name=" + TOTAL + "]");
    var count = total ? parseInt(total.value, 10) : 0;
    for (var index = 0; index < count; index += 1) {
      var name = "sources-" + index;
      setValue(form, name, sources[index] || null);
      SOURCE_FIELDS.forEach(function (field) {
        form._base[name + "-" + field] = firstElement(form, name + "-" + field).value;
      });
    }
  }

  // After a save from an older version (another tab or device saved meanwhile), the server
  // says what it holds where this page sent other text, and this page's text of each field
  // changed on both sides. The form takes the newer text; each field changed on both sides,
  // and any typed on while the save was under way, is offered with both texts to choose from.
  // Returns whether the server said so.
  function takeFromElsewhere(form, xhr, sent) {
    var reply = document.createElement("template");
    reply.innerHTML = (xhr && xhr.responseText) || "";
    var data = reply.content.querySelector("script[id^='saved-elsewhere-']");
    var found = null;
    try {
      found = data ? JSON.parse(data.textContent) : null;
    } catch (error) {
      found = null;
    }
    if (!found) {
      return false;
    }
    var values = found.values || {};
    var choices = {};
    Object.keys(found.choices || {}).forEach(function (name) {
      choices[name] = found.choices[name];
    });
    var now = serialize(form);
    var typedRows = {};
    function typedSince(name) {
      return Boolean(sent) && has(sent, name) && !same(now[name], sent[name]);
    }
    Object.keys(values).forEach(function (name) {
      if (name === "sources") {
        return;
      }
      if (typedSince(name) && !same(now[name], values[name])) {
        choices[name] = now[name];
      }
      form._base[name] = values[name];
      setValue(form, name, values[name]);
    });
    Object.keys(now).forEach(function (name) {
      var row = /^sources-(\d+)-/.exec(name);
      if (row && typedSince(name)) {
        typedRows[row[1]] = sourceAt(now, row[1]);
      }
    });
    if (values.sources) {
      var after = values.sources.length;
      Object.keys(choices).forEach(function (name) {
        var row = SOURCE_ROW.exec(name);
        if (row) {
          after = Math.max(after, parseInt(row[1], 10) + 1);
        }
      });
      // A source typed in while the save was under way goes to a place of its own, to choose.
      Object.keys(typedRows).forEach(function (index) {
        choices["sources-" + after] = typedRows[index];
        after += 1;
      });
      takeSources(form, values.sources, after);
    }
    var at = Date.now();
    Object.keys(choices).forEach(function (name) {
      var mine = choices[name];
      if (!SOURCE_ROW.test(name) && typedSince(name)) {
        mine = now[name];
      }
      form._choices[name] = { from: null, to: mine, typedAt: at };
    });
    showChoices(form);
    return true;
  }

  function saveNow(form) {
    if (form.dataset.paused || form.dataset.inflight === "true") {
      return;
    }
    window.htmx.trigger(form, "autosave");
  }

  function setUp(form) {
    // Without this script the page asks for Save; with it, the form saves itself.
    var status = statusElement(form);
    if (status && status.dataset.withScript) {
      status.textContent = status.dataset.withScript;
    }
    // Every save says what this page changed ("edited"): the text every field started from,
    // which the page carries for a save without this script, need not go with each one.
    var started = form.querySelector("input[name=started]");
    if (started) {
      started.disabled = true;
    }
    // The server's text as this page opened it, and its version.
    form._base = serialize(form);
    form._baseVersion = versionInput(form).value;
    form._choices = {};
    var found = takeInDrafts(form);
    var notice = form.querySelector(".draft-restored");
    if (found.restored.length) {
      if (notice) {
        notice.textContent =
          "We restored text you typed at " +
          siteTime(form, new Date(form._typedAt || Date.now())) +
          " that had not been saved yet. It is being saved now. Restored: " +
          found.restored
            .map(function (name) {
              return fieldLabel(form, name);
            })
            .join(", ") +
          ".";
        notice.hidden = false;
      }
      form.dataset.dirty = "true";
    }
    showChoices(form);
    noteChoices(form);
    // This page keeps what it took in; the drafts it came from are then cleared.
    keepDraft(form);
    found.keys.forEach(function (key) {
      if (key !== storageKey(form)) {
        removeKey(key);
      }
    });

    form.addEventListener("input", function () {
      remember(form);
    });
    form.addEventListener("change", function () {
      remember(form);
    });

    form.addEventListener("htmx:configRequest", function (event) {
      if (event.detail.elt === form) {
        event.detail.parameters.edited = JSON.stringify(editedBases(form));
      }
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
      // Should the tab close before the answer, the next page knows what this one sent.
      keepDraft(form);
      setStatus(form, "Saving…");
    });

    form.addEventListener("htmx:afterRequest", function (event) {
      if (event.detail.elt !== form) {
        return;
      }
      form.dataset.inflight = "false";
      var sent = form._sentValues;
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
        learnSaved(form, sent, false);
        form._sentValues = null;
        var merged = takeFromElsewhere(form, xhr, sent);
        if (merged ? !Object.keys(edits(form)).length : same(sent, serialize(form))) {
          form.dataset.dirty = "false";
          keepDraft(form);
        } else {
          form.dataset.dirty = "false";
          remember(form);
        }
        var notice = form.querySelector(".draft-restored");
        if (notice && !notice.hidden && form.dataset.dirty === "false") {
          notice.textContent = "The restored text is saved.";
        }
        noteChoices(form);
        return;
      }
      if (outcome === "conflict" || outcome === "refused") {
        form.dataset.paused = outcome;
        return;
      }
      if (outcome === "invalid") {
        // What validated is saved; the rest stays here and in the local draft (now of the
        // version the server holds). Wait for the next edit rather than resending it.
        learnSaved(form, sent, true);
        form._sentValues = null;
        takeFromElsewhere(form, xhr, sent);
        keepDraft(form);
        if (same(sent, serialize(form))) {
          form.dataset.dirty = "false";
        } else {
          remember(form);
        }
        noteChoices(form);
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
      // The Save button posts the form itself: that is no leaving with unsaved text. It says
      // what this page changed, as autosave does; a field changed elsewhere too stays in the
      // draft, and the page it comes back to offers both texts.
      form.dataset.submitting = "true";
      var edited = form.querySelector("input[name=edited]");
      if (!edited) {
        edited = form.appendChild(make("input"));
        edited.type = "hidden";
        edited.name = "edited";
      }
      edited.value = JSON.stringify(editedBases(form));
    });

    // Last chance when the tab closes: send what is unsaved; the local draft stays regardless.
    window.addEventListener("pagehide", function () {
      if (form.dataset.dirty === "true" && !form.dataset.paused && navigator.sendBeacon) {
        var data = new FormData(form);
        data.set("edited", JSON.stringify(editedBases(form)));
        navigator.sendBeacon(form.action, data);
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
    var choice = target.closest("[data-draft-use-mine], [data-draft-keep-saved]");
    if (choice && form) {
      var name = choice.dataset.field;
      var mine = form._choices[name];
      delete form._choices[name];
      showChoices(form);
      if (choice.hasAttribute("data-draft-use-mine") && mine) {
        setValue(form, name, mine.to);
        remember(form);
        saveNow(form);
      } else {
        keepDraft(form);
        if (!unsaved(form)) {
          setStatus(form, "All changes saved.");
        }
      }
      var field = fieldElement(form, name);
      if (field) {
        field.focus();
      }
      return;
    }
    if (target.matches("[data-use-saved]") && form) {
      // The saved text of every field this page changed; a choice not made yet is kept.
      form._base = serialize(form);
      keepDraft(form);
      form.dataset.dirty = "false";
      form.dataset.submitting = "true";
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
