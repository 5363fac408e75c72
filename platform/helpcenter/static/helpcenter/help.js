// The help center's one behaviour: an article shown in a browser counts as read (a
// self-service answer, helpcenter.views.help_read). Crawlers and link previews run no
// scripts, so they are not counted. The CSRF token is the vote form's.
(function () {
  "use strict";
  function sendRead() {
    var vote = document.getElementById("vote");
    if (!vote || !vote.dataset.readUrl) { return; }
    var token = document.querySelector("input[name=csrfmiddlewaretoken]");
    var body = new FormData();
    if (token) { body.append("csrfmiddlewaretoken", token.value); }
    fetch(vote.dataset.readUrl, {method: "POST", body: body, credentials: "same-origin", keepalive: true})
      .catch(function () { /* a lost count, never an error for the reader */ });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", sendRead);
  } else {
    sendRead();
  }
}());
