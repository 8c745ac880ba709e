// Review queue: keys 1-9 press the matching "Assign to this film" button, so an editor can
// work the queue from the keyboard (outside text boxes, where digits are typing). "n" opens
// the next entry. A file, not inline script: the CSP allows same-origin scripts only.
(function () {
  "use strict";
  document.addEventListener("keydown", function (event) {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName))) return;
    if (/^[1-9]$/.test(event.key)) {
      const button = document.querySelector('button.assign-candidate[data-key="' + event.key + '"]');
      if (button) { event.preventDefault(); button.click(); }
    } else if (event.key === "n") {
      const next = document.getElementById("next-entry");
      if (next) { event.preventDefault(); next.click(); }
    }
  });
})();
