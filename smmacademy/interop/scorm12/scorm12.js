/* SMM Academy SCO runtime for SCORM 1.2: finds the LMS's API, grades the module quiz in
   the page and reports cmi.core.score.raw and cmi.core.lesson_status. No dependencies. */
(function () {
  "use strict";

  /* SCORM 1.2 RTE 3.3.6.1: look for window.API up the parent chain, then in the opener's. */
  function searchUp(win) {
    for (var hops = 0; win && hops < 10; hops += 1) {
      try {
        if (win.API) { return win.API; }
      } catch (blocked) { /* a cross-origin frame: keep climbing */ }
      if (!win.parent || win.parent === win) { break; }
      win = win.parent;
    }
    return null;
  }

  function findAPI() {
    var api = searchUp(window);
    if (!api && window.opener) { api = searchUp(window.opener); }
    return api;
  }

  var api = findAPI();
  var started = false;
  var finished = false;

  function set(name, value) {
    if (api) { api.LMSSetValue(name, String(value)); }
  }

  function start() {
    if (!api) { return; }
    api.LMSInitialize("");
    started = true;
    var status = api.LMSGetValue ? api.LMSGetValue("cmi.core.lesson_status") : "";
    if (status === "" || status === "not attempted") { set("cmi.core.lesson_status", "incomplete"); }
  }

  function finish() {
    if (!api || finished || !started) { return; }
    finished = true;
    api.LMSCommit("");
    api.LMSFinish("");
  }

  /* Typed answers: case, dashes, quotes, spacing and trailing punctuation do not matter. */
  function normalise(text) {
    return String(text).normalize("NFKC").toLowerCase()
      .replace(/\u0451/g, "\u0435")
      .replace(/[\u2010-\u2015\u2043\u2212\ufe58\ufe63\uff0d]/g, "-")
      .replace(/["'`\u00ab\u00bb\u2018-\u201f\u2039\u203a\u00b4]/g, "")
      .replace(/\s*-\s*/g, "-")
      .replace(/\s+/g, " ")
      .replace(/[.,;:!?\u2026 ]+$/, "")
      .trim();
  }

  function checked(form, name) {
    return Array.prototype.map.call(form.querySelectorAll("input[name='" + name + "']:checked"), function (input) {
      return input.value;
    });
  }

  /* The same rules as the site: choice options carry weights (wrong picks cost), matching
     earns a share per right pair, the quiz score is the mean in percent. */
  function gradeQuestion(form, question) {
    var name = "q-" + question.id;
    if (question.type === "single" || question.type === "multiple") {
      var total = checked(form, name).reduce(function (sum, key) { return sum + (question.weights[key] || 0); }, 0);
      return Math.max(0, Math.min(1, total));
    }
    if (question.type === "truefalse") {
      var picked = checked(form, name);
      return picked.length === 1 && (picked[0] === "true") === question.truth ? 1 : 0;
    }
    if (question.type === "text") {
      var typed = normalise(form.querySelector("[name='" + name + "']").value);
      return question.answers.some(function (accepted) { return normalise(accepted) === typed; }) ? 1 : 0;
    }
    if (question.type === "matching") {
      var right = 0;
      for (var left = 0; left < question.pairs; left += 1) {
        var select = form.querySelector("[name='" + name + "-" + left + "']");
        if (select && select.value === String(left)) { right += 1; }
      }
      return right / question.pairs;
    }
    return 0;
  }

  function submitQuiz(event) {
    event.preventDefault();
    var form = event.target;
    var quiz = JSON.parse(document.getElementById("sco-quiz").textContent);
    var sum = quiz.questions.reduce(function (total, question) { return total + gradeQuestion(form, question); }, 0);
    var score = Math.round(1000 * sum / quiz.questions.length) / 10;
    var passed = score >= quiz.passMark;
    set("cmi.core.score.min", "0");
    set("cmi.core.score.max", "100");
    set("cmi.core.score.raw", score);
    set("cmi.core.lesson_status", passed ? "passed" : "failed");
    if (api) { api.LMSCommit(""); }
    var result = document.getElementById("sco-result");
    result.textContent = (passed ? quiz.labels.passed : quiz.labels.failed).replace("%s", String(score));
    result.className = passed ? "result passed" : "result failed";
    result.hidden = false;
  }

  function ready() {
    start();
    var form = document.getElementById("sco-quiz-form");
    if (form) {
      form.addEventListener("submit", submitQuiz);
    } else {
      /* A reading module: opening it completes it. */
      set("cmi.core.lesson_status", "completed");
      if (api) { api.LMSCommit(""); }
    }
  }

  window.addEventListener("pagehide", finish);
  window.addEventListener("beforeunload", finish);
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", ready);
  } else {
    ready();
  }
}());
