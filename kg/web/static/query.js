// The query page's small editor, self-written for paperkg (MIT licence, as the project).
// The page works without it; it adds: choosing a preset loads it, Tab indents,
// Ctrl+Enter runs, the caret's line and column are shown, and an error's line is selected.
(function () {
  "use strict";
  var form = document.getElementById("query-form");
  var editor = document.getElementById("query");
  var position = document.getElementById("position");
  var preset = document.getElementById("preset");
  if (!form || !editor) { return; }

  function caret() {
    var before = editor.value.slice(0, editor.selectionStart).split("\n");
    position.textContent = "line " + before.length + ", column " +
      (before[before.length - 1].length + 1);
  }

  editor.addEventListener("keydown", function (event) {
    if (event.key === "Tab" && !event.shiftKey) {
      event.preventDefault();
      editor.setRangeText("  ", editor.selectionStart, editor.selectionEnd, "end");
    } else if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      document.getElementById("run").click();
    }
  });
  ["keyup", "click", "focus"].forEach(function (name) {
    editor.addEventListener(name, caret);
  });
  preset.addEventListener("change", function () {
    document.getElementById("load").click();
  });

  var error = document.getElementById("error");
  var line = error && error.getAttribute("data-line");
  if (line) {
    var lines = editor.value.split("\n");
    var start = lines.slice(0, Number(line) - 1).join("\n").length + (line > 1 ? 1 : 0);
    editor.focus();
    editor.setSelectionRange(start, start + (lines[Number(line) - 1] || "").length);
    caret();
  }
  window.paperkgQuery = {ready: true};
}());
