// desk-replies: placeholders in the reply box. A canned reply's unknown placeholders
// ({order_number}) are highlighted in the box (a mirror of the text behind the transparent
// textarea, with <mark> around each), listed under it, and sending is stopped here until
// they are filled or deleted. The server refuses them too (conversations.replies).
(function () {
  "use strict";

  function namesPattern(box) {
    var names = (box.dataset.placeholderNames || "").split(" ").filter(Boolean);
    // The server's rule (content.placeholders): a known name in single braces.
    return new RegExp("(?<!\\{)\\{(" + names.join("|") + ")\\}(?!\\})", "g");
  }

  function escapeHtml(text) {
    return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
  }

  function copyStyle(box, mirror) {
    var style = window.getComputedStyle(box);
    ["fontFamily", "fontSize", "fontWeight", "lineHeight", "letterSpacing", "paddingTop",
      "paddingRight", "paddingBottom", "paddingLeft", "borderTopWidth", "borderRightWidth",
      "borderBottomWidth", "borderLeftWidth", "marginTop", "tabSize"].forEach(function (name) {
      mirror.style[name] = style[name];
    });
  }

  function setUp(box) {
    var mirror = box.parentElement.querySelector(".placeholder-mirror");
    var left = document.getElementById("placeholders-left");
    var form = box.form;
    var pattern = namesPattern(box);

    function found() {
      var names = [];
      box.value.replace(pattern, function (match) {
        if (names.indexOf(match) < 0) { names.push(match); }
        return match;
      });
      return names;
    }

    function refresh() {
      copyStyle(box, mirror);
      // A trailing newline needs a character after it to take its line in the mirror.
      mirror.innerHTML = escapeHtml(box.value).replace(pattern, function (match) {
        return "<mark>" + match + "</mark>";
      }) + "\u200b";
      mirror.scrollTop = box.scrollTop;
      var names = found();
      if (left) {
        left.hidden = names.length === 0;
        left.textContent = names.length ? left.dataset.template + " " + names.join(", ") : "";
      }
      box.classList.toggle("has-placeholders", names.length > 0);
      box.setAttribute("aria-invalid", names.length ? "true" : "false");
    }

    function selectFirst() {
      pattern.lastIndex = 0;
      var match = pattern.exec(box.value);
      pattern.lastIndex = 0;
      if (match) {
        box.focus();
        box.setSelectionRange(match.index, match.index + match[0].length);
      }
      return Boolean(match);
    }

    box.addEventListener("input", refresh);
    box.addEventListener("scroll", function () { mirror.scrollTop = box.scrollTop; });
    window.addEventListener("resize", refresh);
    // After desk.js put a canned reply in the box (its listener runs first, on the button):
    // show what is left and select the first one, so that typing replaces it.
    document.addEventListener("click", function (event) {
      if (event.target.closest && event.target.closest(".use-reply")) {
        refresh();
        selectFirst();
      }
    });
    if (form) {
      form.addEventListener("submit", function (event) {
        refresh();
        if (found().length) {
          event.preventDefault();
          selectFirst();
        }
      });
    }
    refresh();
  }

  document.querySelectorAll("textarea[data-placeholder-box]").forEach(setUp);
})();
