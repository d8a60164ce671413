/* The "back to the form" link of the 503 page: going back in the history returns to the form
   with what was typed still in it; without history (or JavaScript) the link opens the form. */
document.addEventListener("click", function (event) {
  "use strict";
  var link = event.target.closest("a[data-history-back]");
  if (link && window.history.length > 1) {
    event.preventDefault();
    window.history.back();
  }
});
