// The admin's import progress page: poll its JSON view until every file is done, then reload
// to show the full report. A file (not inline): the CSP allows only same-origin scripts.
(function () {
  "use strict";
  const main = document.getElementById("content-main");
  const url = main && main.dataset.progressUrl;
  if (!url) return;
  function show(progress) {
    document.getElementById("import-bar").value = progress.percent;
    document.getElementById("import-percent").textContent = progress.percent + "%";
    document.getElementById("import-files-done").textContent = progress.files_done;
    document.getElementById("import-files-failed").textContent = progress.files_failed;
    for (const [key, value] of Object.entries(progress.synopses)) {
      const cell = document.querySelector('[data-count="' + key + '"]');
      if (cell) cell.textContent = value;
    }
    progress.rows.forEach(function (row, index) {
      const cell = document.querySelector('[data-file-status="' + index + '"]');
      if (cell) cell.textContent = row.status_label;
    });
  }
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      })
      .then(function (progress) {
        show(progress);
        if (progress.finished) window.location.reload();
        else window.setTimeout(poll, 1000);
      })
      .catch(function () { window.setTimeout(poll, 3000); });
  }
  poll();
})();
