// Progressive enhancements; every page works without them (docs/interface.md).
"use strict";

// The filter form leaves out the fields the visitor left empty: "?language=da", not
// "?language=da&franchise=&year_min=…".
document.querySelectorAll("form.filters").forEach((form) => {
  form.addEventListener("submit", () => {
    form.querySelectorAll("input, select").forEach((field) => {
      if (field.name && field.value.trim() === "") {
        field.disabled = true;
      }
    });
    // Enabled again for the back button's cached page.
    window.addEventListener("pageshow", () => {
      form.querySelectorAll(":disabled").forEach((field) => { field.disabled = false; });
    }, { once: true });
  });
});

// The filters are folded on a phone, so the results come first; on a wide screen they are
// the sidebar, unfolded.
const wide = window.matchMedia("(min-width: 52rem)");
const unfoldOnWideScreens = () => {
  if (wide.matches) {
    document.querySelectorAll("details[data-open-wide]").forEach((details) => { details.open = true; });
  }
};
unfoldOnWideScreens();
wide.addEventListener("change", unfoldOnWideScreens);
