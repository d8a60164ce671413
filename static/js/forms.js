/* Public and portal forms: after a send with mistakes, move the focus to the error summary
   (role="alert", read out at once) or else to the first field with an error, so keyboard and
   screen-reader users land where the problem is. Each error is tied to its field with
   aria-describedby by the form renderer. */
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
});
