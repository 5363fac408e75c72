// desk-search: "/" puts the cursor in the header's search box, as in Zendesk and GitHub;
// ignored while typing in a field (a "/" in a reply stays a "/").
document.addEventListener("keydown", (event) => {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) {
    return;
  }
  const target = event.target;
  if (target instanceof Element && target.closest("input, textarea, select, [contenteditable]")) {
    return;
  }
  const box = document.getElementById("desk-search-q");
  if (box) {
    event.preventDefault();
    box.focus();
    box.select();
  }
});
