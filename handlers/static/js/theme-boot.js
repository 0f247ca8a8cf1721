// Runs before the first paint (a classic, blocking script): applies the theme this browser
// chose earlier, if the site still offers it. The server renders the configured default.
(function () {
  try {
    var root = document.documentElement;
    var saved = localStorage.getItem('rs.theme');
    var offered = (root.getAttribute('data-themes') || '').split(' ');
    if (saved && offered.indexOf(saved) !== -1) root.setAttribute('data-theme', saved);
  } catch (e) {
    /* storage blocked: keep the default */
  }
})();
