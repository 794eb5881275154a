/*
 * Concord's public statement page: the copy button for the hash, the live stakeholder-group filter and the
 * in-page verification (a dropped, chosen or pasted text is hashed with SHA-256 by the browser — nothing is
 * uploaded — and compared with the published hash; on a mismatch the first differing line is shown).
 * Served as a static file: the page's Content-Security-Policy allows no inline script. Everything it shows is
 * set with textContent.
 */
(function () {
  "use strict";

  var statement = document.getElementById("statement");

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (btn) {
    var target = document.getElementById(btn.getAttribute("data-copy"));
    if (!target) return;
    btn.hidden = false;
    btn.addEventListener("click", function () {
      var text = target.textContent || "";
      var done = function (label) {
        btn.textContent = label;
        setTimeout(function () {
          btn.textContent = "Copy";
        }, 2000);
      };
      var select = function () {
        var range = document.createRange();
        range.selectNodeContents(target);
        var sel = window.getSelection();
        sel.removeAllRanges();
        sel.addRange(range);
        done("Selected: press Ctrl+C");
      };
      if (navigator.clipboard && navigator.clipboard.writeText) {
        navigator.clipboard.writeText(text).then(function () {
          done("Copied");
        }, select);
      } else select();
    });
  });

  // The filter works without JavaScript (a GET form); with it, the list filters as the choice changes.
  var group = document.getElementById("group");
  var list = document.getElementById("sig-list");
  var count = document.getElementById("sig-count");
  if (group && list && count && group.form) {
    var submit = group.form.querySelector("button[type=submit]");
    var all = Array.prototype.slice.call(list.querySelectorAll("li"));
    var apply = function () {
      var g = group.value;
      var shown = 0;
      all.forEach(function (li) {
        var on = !g || li.getAttribute("data-group") === g;
        li.hidden = !on;
        if (on) shown++;
      });
      count.textContent = g ? shown + " of " + all.length : String(all.length);
    };
    if (all.length && !/[?&]group=/.test(location.search)) {
      if (submit) submit.hidden = true;
      group.addEventListener("change", apply);
    }
  }

  var box = document.getElementById("verify-box");
  if (!statement || !box || !window.crypto || !window.crypto.subtle || !window.TextEncoder) return;
  box.hidden = false;
  var expected = statement.getAttribute("data-hash");
  var mdUrl = statement.getAttribute("data-md");
  var result = document.getElementById("verify-result");
  var fileInput = document.getElementById("verify-file");
  var drop = document.getElementById("verify-drop");
  var pasted = document.getElementById("verify-text");
  var run = document.getElementById("verify-run");

  function hex(buffer) {
    return Array.prototype.map
      .call(new Uint8Array(buffer), function (b) {
        return ("0" + b.toString(16)).slice(-2);
      })
      .join("");
  }

  function show(kind, lines) {
    result.textContent = "";
    result.className = "verify-result verify-" + kind;
    result.setAttribute("data-result", kind);
    lines.forEach(function (l, i) {
      var el = document.createElement(i === 0 ? "strong" : l.code ? "pre" : "p");
      el.textContent = l.code ? l.code : l.text || l;
      result.appendChild(el);
    });
  }

  function firstDifference(mine, theirs) {
    var a = mine.split("\n");
    var b = theirs.split("\n");
    for (var i = 0; i < Math.max(a.length, b.length); i++) {
      if (a[i] !== b[i]) return { line: i + 1, yours: a[i], published: b[i] };
    }
    return null;
  }

  function check(bytes, label) {
    show("busy", ["Computing the SHA-256 of " + label + "…"]);
    crypto.subtle.digest("SHA-256", bytes).then(function (digest) {
      var hash = hex(digest);
      if (hash === expected) {
        show("match", ["Match: " + label + " is exactly the published text.", "SHA-256 " + hash]);
        return;
      }
      var mine = new TextDecoder("utf-8").decode(bytes);
      fetch(mdUrl, { credentials: "omit" })
        .then(function (r) {
          return r.text();
        })
        .then(function (published) {
          var d = firstDifference(mine.replace(/\r\n?/g, "\n"), published);
          var lines = [
            "No match: " + label + " is not the published text.",
            "Its SHA-256 is " + hash + ", the published one is " + expected + ".",
          ];
          if (d) {
            lines.push("First difference on line " + d.line + ":");
            lines.push({ code: "published: " + (d.published === undefined ? "(no such line)" : d.published) });
            lines.push({ code: "yours:     " + (d.yours === undefined ? "(no such line)" : d.yours) });
          } else if (mine !== published) {
            lines.push("The lines are the same; the difference is in line endings or invisible characters.");
          }
          show("mismatch", lines);
        })
        .catch(function () {
          show("mismatch", ["No match: " + label + " is not the published text.", "Its SHA-256 is " + hash + "."]);
        });
    });
  }

  function checkFile(file) {
    if (!file) return;
    file.arrayBuffer().then(function (buf) {
      check(buf, "“" + file.name + "”");
    });
  }

  fileInput.addEventListener("change", function () {
    checkFile(fileInput.files && fileInput.files[0]);
  });
  ["dragenter", "dragover"].forEach(function (t) {
    drop.addEventListener(t, function (ev) {
      ev.preventDefault();
      drop.classList.add("over");
    });
  });
  ["dragleave", "drop"].forEach(function (t) {
    drop.addEventListener(t, function () {
      drop.classList.remove("over");
    });
  });
  drop.addEventListener("drop", function (ev) {
    ev.preventDefault();
    checkFile(ev.dataTransfer && ev.dataTransfer.files && ev.dataTransfer.files[0]);
  });
  run.addEventListener("click", function () {
    check(new TextEncoder().encode(pasted.value).buffer, "the pasted text");
  });
})();
