// Glue between the book and the vendored @jupyter-widgets/html-manager, so that
// static widgets work offline.  Loaded after require.js and before embed-amd.js
// (see nb_ipywidgets_js in _config.yml and dlsbs.sphinx_ext).
(() => {
  const script = document.currentScript;
  const vendor = new URL("vendor/jupyter-widgets/", script.src).href;

  // The html-manager's AMD modules compute their webpack public path from their
  // module URL, which would otherwise be relative to the page: point them at the
  // vendored folder, where the Font Awesome fonts of the widgets' CSS live.
  window.require.config({
    paths: {
      "@jupyter-widgets/html-manager": vendor + "html-manager",
      "@jupyter-widgets/html-manager/dist/libembed-amd": vendor + "libembed-amd",
    },
  });

  // Widget modules other than base/controls/output (bundled) would be fetched
  // from this "CDN" (default: jsdelivr): keep it local, so they 404 visibly.
  script.setAttribute("data-jupyter-widgets-cdn", vendor + "no-cdn/");

  // ipywidgets typesets labels with the MathJax 2 API (MathJax.Hub.Queue), which
  // throws under MathJax 3: bridge it to MathJax 3's typesetPromise.
  window.addEventListener("load", () => {
    const mj = window.MathJax;
    if (mj && mj.version && !mj.Hub) {
      mj.Hub = {
        Queue: (...jobs) =>
          jobs.forEach(([cmd, , el]) => {
            if (cmd === "Typeset") mj.startup.promise.then(() => mj.typesetPromise([el]));
          }),
      };
    }
  });
})();
