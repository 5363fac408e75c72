// Every page's small behaviours, kept out of the HTML so that the Content-Security-Policy
// can refuse inline scripts and style attributes (docs/decisions.md, "Content-Security-Policy").
(function () {
  "use strict";

  // A <select data-auto-submit> sends its form as soon as a choice is made (the language
  // switch, the desk's presence, the portal's month); <noscript> keeps a button for the rest.
  document.addEventListener("change", function (event) {
    var select = event.target;
    if (select instanceof HTMLSelectElement && select.hasAttribute("data-auto-submit") && select.form) {
      select.form.requestSubmit();
    }
  });

  // A client's colour, named in data-client-colour, becomes the --client-colour its styles
  // use: on the page as served and on every part the desk swaps in later (inbox, wall).
  function paint(root) {
    if (root.nodeType !== Node.ELEMENT_NODE) { return; }
    var marked = root.matches("[data-client-colour]") ? [root] : [];
    marked.concat(Array.prototype.slice.call(root.querySelectorAll("[data-client-colour]")))
      .forEach(function (element) {
        element.style.setProperty("--client-colour", element.dataset.clientColour);
      });
  }
  paint(document.documentElement);
  new MutationObserver(function (changes) {
    changes.forEach(function (change) { change.addedNodes.forEach(paint); });
  }).observe(document.documentElement, {childList: true, subtree: true});

  // A form marked data-submit-on-load is sent at once: the survey's rating chosen by a
  // link in the e-mail (a link may only GET; saving the rating takes a POST).
  document.querySelectorAll("form[data-submit-on-load]").forEach(function (form) {
    form.submit();
  });
})();
