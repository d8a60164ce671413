/* Public and portal forms: after a send with mistakes, move the focus to the error summary
   (role="alert", read out at once) or else to the first field with an error, so keyboard and
   screen-reader users land where the problem is. Each error is tied to its field with
   aria-describedby by the form renderer. A link of the summary moves the focus to its field and
   shows the field's question (GOV.UK's error summary does the same). A group of questions only
   for some people (data-shown-for="field:value") is hidden until that choice is made; without
   scripts it stays visible under its own heading. */
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  var target = document.querySelector("main .form-error-summary");
  if (!target) {
    target = document.querySelector(
      "main input.is-invalid, main select.is-invalid, main textarea.is-invalid"
    );
  }
  if (target) {
    target.focus();
  }

  document.querySelectorAll("main .form-error-summary a[href^='#']").forEach(function (link) {
    link.addEventListener("click", function (event) {
      var field = document.getElementById(link.getAttribute("href").slice(1));
      if (!field) {
        return;
      }
      event.preventDefault();
      // The first choice of a group shows the group's question; a field shows its label.
      var inGroup = /_0$/.test(field.id) && (field.type === "radio" || field.type === "checkbox");
      var label = document.querySelector("label[for='" + field.id + "']");
      var shown = (inGroup && field.closest("fieldset")) || label || field;
      shown.scrollIntoView({ block: "start", behavior: "instant" });
      window.scrollBy({ top: -16, behavior: "instant" }); // a little space above the question
      field.focus({ preventScroll: true });
    });
  });

  document.querySelectorAll("main [data-shown-for]").forEach(function (group) {
    var rule = group.getAttribute("data-shown-for").split(":");
    var form = group.closest("form");
    var choices = form.querySelectorAll("input[name='" + rule[0] + "']");
    function update() {
      var chosen = form.querySelector("input[name='" + rule[0] + "']:checked");
      group.hidden = !chosen || chosen.value !== rule[1];
    }
    choices.forEach(function (choice) {
      choice.addEventListener("change", update);
    });
    update();
  });
});
