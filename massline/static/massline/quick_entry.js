// Quick entry is typed during a phone call: Enter moves to the next field (so a stray
// Enter never saves half a form), Ctrl+Enter (⌘+Enter on a Mac) saves from anywhere.
document.addEventListener("keydown", (event) => {
  const form = event.target.closest && event.target.closest("form.quick-entry");
  if (!form || event.key !== "Enter") return;
  if (event.ctrlKey || event.metaKey) {
    event.preventDefault();
    form.requestSubmit();
    return;
  }
  const field = event.target;
  if (field.tagName === "TEXTAREA" || field.tagName === "BUTTON") return;
  event.preventDefault();
  const fields = [...form.elements].filter((f) => f.type !== "hidden" && !f.disabled);
  const next = fields[fields.indexOf(field) + 1];
  if (next) next.focus();
});
