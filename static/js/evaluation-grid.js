/*
 * The entry grid of an evaluation (evaluations/grid.html): keyboard entry and saving in the
 * background. No library; loaded with « defer » (the page's CSP allows our own files only).
 *
 * Without this script the grid is a plain form: a <select> per cell, « Enregistrer ».
 * With it:
 *  - in a cell, a key of the scale (the page's data-levels: « 1 »…« 4 », « a », « d »; on an
 *    AZERTY keyboard the digit keys work without Shift) enters that level and moves on (to
 *    the right or down: « Après une saisie, aller ») ; « n » enters « Non évalué » ; Delete
 *    or Backspace empties the cell ; the arrows move ; Enter moves down, Shift+Enter up ;
 *    Home and End go to the row's first and last cells.
 *  - in a « Compléter les cases vides » cell (the first row for a column, the column before
 *    the comments for a row), a level fills the empty cells of that column or row.
 *  - every change is sent in the background: the changes of the last 400 ms go together,
 *    one request at a time (POST of JSON to data-save-url). Each cell shows its state
 *    (data-state, with the same words for screen readers): being saved, saved, not saved
 *    (kept and sent again every few seconds, and at once when the connection comes back),
 *    refused (the server says why). The page asks before it is left with unsaved changes.
 */
(function () {
  "use strict";

  var form = document.getElementById("grid-form");
  if (!form || !form.dataset.saveUrl || !window.fetch) return;

  var table = form.querySelector("table.grid");
  var saveUrl = form.dataset.saveUrl;
  var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  var levels = JSON.parse(form.dataset.levels);
  var byKey = new Map();
  var byId = new Map();
  levels.forEach(function (level) {
    byKey.set(level.key.toLowerCase(), level);
    byId.set(String(level.id), level);
  });
  var TONES = ["t1", "t2", "t3", "t4", "tx", "empty"];
  var STATE_WORDS = {
    saving: "en cours d'enregistrement",
    saved: "enregistrée",
    failed: "non enregistrée, nouvel essai automatique",
    refused: "non enregistrée, refusée",
  };
  var status = document.getElementById("grid-status");
  var direction = document.getElementById("grid-direction");
  document.getElementById("grid-toolbar").hidden = false;

  // --- Changes waiting to be sent, being sent, and their states --------------------------

  var pending = new Map(); // key « pupil:target » or « pupil:commentaire » → change
  var inflight = null; // the Map being sent
  var timer = null;
  var retryDelay = 2000;
  var commentTimers = new Map();

  function cellOf(select) {
    var match = /^c-(\d+)-(\d+)$/.exec(select.name);
    return match ? { target: Number(match[1]), pupil: Number(match[2]) } : null;
  }

  function mark(element, state, message) {
    var td = element.closest("td");
    td.dataset.state = state;
    var note = td.querySelector(".cell-state");
    if (!note) {
      note = document.createElement("span");
      note.className = "cell-state visually-hidden";
      note.id = "etat-" + element.name;
      td.appendChild(note);
      var described = element.getAttribute("aria-describedby");
      element.setAttribute("aria-describedby", (described ? described + " " : "") + note.id);
    }
    note.textContent = STATE_WORDS[state] + (message ? " : " + message : "");
    if (message) td.title = message;
    else td.removeAttribute("title");
  }

  function queue(key, change, element, delay) {
    pending.set(key, { change: change, element: element });
    mark(element, "saving");
    schedule(delay === undefined ? 400 : delay);
    announce();
  }

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(flush, delay);
  }

  function unsaved() {
    return table.querySelectorAll(
      '[data-state="saving"], [data-state="failed"], [data-state="refused"]'
    ).length;
  }

  var lastWords = "";
  function say(words, failed) {
    if (words === lastWords) return;
    lastWords = words;
    status.textContent = words;
    status.classList.toggle("is-failed", Boolean(failed));
  }

  function announce(extra) {
    var failed = table.querySelectorAll('[data-state="failed"]').length;
    var refused = table.querySelectorAll('[data-state="refused"]').length;
    var saving = table.querySelectorAll('[data-state="saving"]').length;
    var words;
    if (failed) {
      words = failed + (failed > 1 ? " modifications non enregistrées" : " modification non enregistrée") +
        " (connexion perdue ?) : nouvel essai automatique, rien n'est perdu tant que la page reste ouverte.";
    } else if (refused) {
      words = refused + (refused > 1 ? " modifications refusées" : " modification refusée") +
        " : survolez ou parcourez les cases marquées « ! » pour savoir pourquoi.";
    } else if (saving) {
      words = "Enregistrement en cours…";
    } else {
      words = "Tout est enregistré.";
    }
    say(extra ? extra + " " + words : words, failed || refused);
  }

  function flush() {
    clearTimeout(timer);
    timer = null;
    if (inflight || pending.size === 0) return;
    var batch = pending;
    pending = new Map();
    inflight = batch;
    var body = { cells: [], comments: [] };
    batch.forEach(function (item) {
      if (item.change.cell) body.cells.push(item.change.cell);
      else body.comments.push(item.change.comment);
      mark(item.element, "saving");
    });
    fetch(saveUrl, {
      method: "POST",
      credentials: "same-origin",
      redirect: "error", // an expired session answers with the login page: not a save
      headers: {
        "Content-Type": "application/json",
        Accept: "application/json",
        "X-CSRFToken": csrf,
      },
      body: JSON.stringify(body),
    })
      .then(function (response) {
        if (response.ok) return response.json();
        if (response.status === 400 || response.status === 403 || response.status === 404) {
          return response
            .json()
            .catch(function () { return {}; })
            .then(function (data) {
              var why = data.error || (response.status === 403
                ? "vous ne pouvez pas (ou plus) modifier cette grille : rechargez la page."
                : "la grille a changé : rechargez la page.");
              return { saved: [], refused: {}, all: why };
            });
        }
        throw new Error("HTTP " + response.status);
      })
      .then(function (outcome) {
        retryDelay = 2000;
        batch.forEach(function (item, key) {
          if (pending.has(key)) return; // changed again meanwhile: that change says its state
          if (outcome.saved.indexOf(key) >= 0) mark(item.element, "saved");
          else mark(item.element, "refused", outcome.refused[key] || outcome.all || "refusée.");
        });
      })
      .catch(function () {
        // Not saved (offline, server unreachable, session expired): kept, sent again later.
        batch.forEach(function (item, key) {
          if (!pending.has(key)) {
            pending.set(key, item);
            mark(item.element, "failed");
          }
        });
        clearTimeout(timer);
        timer = setTimeout(flush, retryDelay);
        retryDelay = Math.min(retryDelay * 2, 30000);
      })
      .finally(function () {
        inflight = null;
        announce();
        if (pending.size && !timer) schedule(0);
      });
  }

  window.addEventListener("online", function () {
    retryDelay = 2000;
    flush();
  });
  window.addEventListener("beforeunload", function (event) {
    if (pending.size || inflight || unsaved()) {
      event.preventDefault();
      event.returnValue = "";
    }
  });
  // « Enregistrer »: with this script, send at once what waits (no page reload).
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    flush();
    announce();
  });

  // --- Entering levels -------------------------------------------------------------------

  function paint(select) {
    var td = select.closest("td");
    var level = byId.get(select.value);
    TONES.forEach(function (tone) { td.classList.remove(tone); });
    td.classList.add(level ? level.tone : "empty");
  }

  function setLevel(select, level) {
    var value = level ? String(level.id) : "";
    if (select.value === value) return false;
    select.value = value;
    paint(select);
    var cell = cellOf(select);
    queue(cell.pupil + ":" + cell.target, {
      cell: { pupil: cell.pupil, target: cell.target, level: level ? level.id : null },
    }, select);
    return true;
  }

  // The level a key stands for: undefined for none, null for « n » (non évalué).
  function levelOf(event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return undefined;
    var key = event.key && event.key.length === 1 ? event.key.toLowerCase() : "";
    if (key === "n") return null;
    if (byKey.has(key)) return byKey.get(key);
    // AZERTY: the « 1 » key types « & » without Shift; its code is still Digit1.
    var digit = /^(?:Digit|Numpad)(\d)$/.exec(event.code || "");
    if (digit && byKey.has(digit[1])) return byKey.get(digit[1]);
    return undefined;
  }

  function controlAt(row, index) {
    var cell = row && row.cells[index];
    return cell ? cell.querySelector("select, textarea") : null;
  }

  // Move focus by (rows, columns) to the next control, skipping read-only cells.
  function move(element, dRow, dColumn, cellsOnly) {
    var td = element.closest("td");
    var rows = Array.prototype.slice.call(table.rows);
    var r = rows.indexOf(td.parentElement);
    var c = td.cellIndex;
    for (;;) {
      r += dRow;
      c += dColumn;
      if (r < 0 || r >= rows.length || c < 1 || c >= rows[r].cells.length) return false;
      var target = controlAt(rows[r], c);
      if (target && (!cellsOnly || target.closest("td.cell"))) {
        target.focus();
        return true;
      }
    }
  }

  function firstCellOfColumn(index) {
    var rows = table.tBodies[0].rows;
    for (var r = 0; r < rows.length; r += 1) {
      var control = controlAt(rows[r], index);
      if (control && control.closest("td.cell")) return control;
    }
    return null;
  }

  // After a level: the next cell in the chosen direction, then on to the next row (to the
  // right) or to the top of the next column (down).
  function advance(select) {
    var down = direction.value === "down";
    if (move(select, down ? 1 : 0, down ? 0 : 1, true)) return;
    var td = select.closest("td");
    if (down) {
      var count = table.tBodies[0].rows[0].cells.length;
      for (var c = td.cellIndex + 1; c < count; c += 1) {
        var first = firstCellOfColumn(c);
        if (first) { first.focus(); return; }
      }
    } else {
      for (var row = td.parentElement.nextElementSibling; row; row = row.nextElementSibling) {
        var start = row.querySelector("td.cell select");
        if (start) { start.focus(); return; }
      }
    }
  }

  function fill(select, level) {
    select.value = "";
    if (!level) return;
    var td = select.closest("td");
    var targets;
    if (select.name.indexOf("fill-col-") === 0) {
      targets = Array.prototype.map.call(table.tBodies[0].rows, function (row) {
        return controlAt(row, td.cellIndex);
      });
    } else {
      targets = Array.prototype.slice.call(td.parentElement.querySelectorAll("td.cell select"));
    }
    var done = 0;
    targets.forEach(function (target) {
      if (target && target.closest("td.cell") && target.value === "" && setLevel(target, level)) {
        done += 1;
      }
    });
    announce(done
      ? done + (done > 1 ? " cases vides complétées" : " case vide complétée") + " avec « " + level.text + " »."
      : "Aucune case vide à compléter.");
  }

  table.addEventListener("keydown", function (event) {
    var element = event.target;
    if (element.tagName === "TEXTAREA") {
      if (event.key === "Escape") move(element, 0, -1);
      return; // a comment: the keys type text (Tab leaves it)
    }
    if (element.tagName !== "SELECT") return;
    var isFill = element.name.indexOf("fill-") === 0;
    var moves = {
      ArrowUp: [-1, 0], ArrowDown: [1, 0], ArrowLeft: [0, -1], ArrowRight: [0, 1],
      Enter: [event.shiftKey ? -1 : 1, 0],
    };
    if (moves[event.key] && !event.altKey) {
      event.preventDefault();
      move(element, moves[event.key][0], moves[event.key][1]);
      return;
    }
    if (event.key === "Home" || event.key === "End") {
      event.preventDefault();
      var cells = element.closest("tr").querySelectorAll("td.cell select");
      if (cells.length) cells[event.key === "Home" ? 0 : cells.length - 1].focus();
      return;
    }
    if (event.key === "Delete" || event.key === "Backspace") {
      event.preventDefault();
      if (!isFill) setLevel(element, null);
      return;
    }
    var level = levelOf(event);
    if (level !== undefined) {
      event.preventDefault();
      if (isFill) fill(element, level);
      else {
        setLevel(element, level);
        advance(element);
      }
    } else if (event.key && event.key.length === 1 && !event.ctrlKey && !event.metaKey &&
               !event.altKey && event.key !== " ") {
      event.preventDefault(); // no letter search among the options: only the scale's keys
    }
  });

  // A level picked with the mouse, or in the opened list (Space, Alt+Down).
  table.addEventListener("change", function (event) {
    var element = event.target;
    if (element.tagName === "SELECT" && element.name.indexOf("fill-") === 0) {
      fill(element, byId.get(element.value) || null);
    } else if (element.tagName === "SELECT" && cellOf(element)) {
      paint(element);
      var cell = cellOf(element);
      queue(cell.pupil + ":" + cell.target, {
        cell: { pupil: cell.pupil, target: cell.target, level: element.value ? Number(element.value) : null },
      }, element);
    } else if (element.tagName === "TEXTAREA") {
      queueComment(element, 0);
    }
  });

  // --- Comments: saved a second after typing stops, or on leaving the field --------------

  function queueComment(textarea, delay) {
    var pupil = Number(textarea.name.replace("comment-", ""));
    clearTimeout(commentTimers.get(pupil));
    commentTimers.delete(pupil);
    queue(pupil + ":commentaire", { comment: { pupil: pupil, text: textarea.value } }, textarea, delay);
  }

  table.addEventListener("input", function (event) {
    var element = event.target;
    if (element.tagName !== "TEXTAREA") return;
    var pupil = Number(element.name.replace("comment-", ""));
    clearTimeout(commentTimers.get(pupil));
    commentTimers.set(pupil, setTimeout(function () { queueComment(element, 0); }, 1000));
  });
})();
