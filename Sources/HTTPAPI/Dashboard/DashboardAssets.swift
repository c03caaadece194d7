/// The dashboard's stylesheet and its one small script, served from memory by the server itself (no CDN, no
/// front-end build). Colours keep at least 4.5:1 contrast for text; the print rules drop navigation and forms.
enum DashboardAssets {
    static let stylesheet = """
        :root { --ink: #1b1f24; --muted: #4a5360; --line: #c9d0d8; --paper: #ffffff; --band: #f3f5f7;
          --accent: #0b5cad; --warn: #8a3b00; --bad: #a4161a; --ok: #1d6b2f; }
        * { box-sizing: border-box; }
        body { margin: 0; font: 15px/1.45 system-ui, "Segoe UI", "DejaVu Sans", sans-serif; color: var(--ink);
          background: var(--paper); }
        a { color: var(--accent); }
        a:focus-visible, button:focus-visible, input:focus-visible, select:focus-visible, main:focus-visible {
          outline: 3px solid #ffbf47; outline-offset: 2px; }
        .skip { position: absolute; left: -999px; top: 0; background: var(--paper); padding: .5rem; }
        .skip:focus { left: .5rem; }
        header.top { display: flex; flex-wrap: wrap; align-items: center; gap: 1rem; padding: .6rem 1.2rem;
          background: #12314f; color: #fff; }
        header.top a { color: #fff; }
        .brand { font-weight: 700; text-decoration: none; letter-spacing: .02em; }
        header nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: .2rem; margin: 0; padding: 0; }
        header nav a { display: block; padding: .3rem .6rem; border-radius: 4px; text-decoration: none; }
        header nav a[aria-current="page"], header nav a:hover { background: #ffffff26; text-decoration: underline; }
        .tools { margin-left: auto; display: flex; align-items: center; gap: .8rem; }
        .tools form { margin: 0; }
        .tools button { background: transparent; color: #fff; border: 1px solid #ffffffaa; border-radius: 4px;
          padding: .25rem .6rem; font: inherit; cursor: pointer; }
        main { padding: 1rem 1.2rem 2rem; max-width: 1200px; }
        h1 { font-size: 1.5rem; margin: .3rem 0 1rem; }
        h2 { font-size: 1.15rem; margin: 1.6rem 0 .5rem; border-bottom: 1px solid var(--line); padding-bottom: .2rem; }
        table { border-collapse: collapse; width: 100%; margin: .4rem 0 1rem; }
        th, td { text-align: left; padding: .35rem .5rem; border-bottom: 1px solid var(--line); vertical-align: middle; }
        thead th { background: var(--band); font-weight: 600; font-size: .9rem; }
        tbody th { font-weight: 500; }
        .num { text-align: right; font-variant-numeric: tabular-nums; }
        .suppressed { color: var(--warn); font-weight: 600; }
        .code { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-size: .9em; color: var(--muted); }
        a.code { color: var(--accent); }
        .help, .meta { color: var(--muted); font-size: .9rem; }
        .error, .message { color: var(--bad); font-weight: 600; }
        .flag { display: inline-block; background: #fff1e5; color: var(--warn); border: 1px solid #e8b58f;
          border-radius: 3px; padding: 0 .35rem; font-size: .85rem; margin: .1rem 0; }
        form.filters { display: flex; flex-wrap: wrap; align-items: flex-end; gap: .8rem 1.2rem; padding: .8rem;
          background: var(--band); border-radius: 6px; margin-bottom: 1rem; }
        form.filters label { display: block; font-size: .85rem; font-weight: 600; margin-bottom: .2rem; }
        form.filters .check { display: flex; align-items: center; gap: .4rem; }
        form.filters .check label { display: inline; margin: 0; }
        fieldset.presets { border: 0; padding: 0; margin: 0; display: flex; gap: .3rem; align-items: flex-end; }
        fieldset.presets legend { font-size: .85rem; font-weight: 600; padding: 0; margin-bottom: .2rem; }
        input, select, button { font: inherit; }
        input, select { padding: .3rem .4rem; border: 1px solid #7a8694; border-radius: 4px; background: #fff; }
        button { padding: .35rem .8rem; border: 1px solid var(--accent); background: var(--accent); color: #fff;
          border-radius: 4px; cursor: pointer; }
        fieldset.presets button { background: #fff; color: var(--accent); }
        form.login { max-width: 26rem; display: grid; gap: .4rem; }
        form.login label { font-weight: 600; }
        ul.cards { list-style: none; padding: 0; display: grid; gap: .5rem; max-width: 40rem; }
        ul.cards li { border: 1px solid var(--line); border-radius: 6px; padding: .6rem .8rem; }
        dl.facts { display: grid; grid-template-columns: repeat(auto-fill, minmax(15rem, 1fr)); gap: .5rem 1.5rem; }
        dl.facts dt { font-size: .85rem; color: var(--muted); }
        dl.facts dd { margin: 0; font-weight: 600; overflow-wrap: anywhere; }
        dd.ok, .state-live { color: var(--ok); }
        dd.bad, .state-failed { color: var(--bad); }
        .state-rebuilding, .state-outdated, .state-notBuilt { color: var(--warn); }
        ol.timeline { list-style: none; padding: 0; border-left: 3px solid var(--line); margin-left: .4rem; }
        ol.timeline li { padding: .25rem 0 .25rem .8rem; }
        ol.timeline .when { font-variant-numeric: tabular-nums; color: var(--muted); }
        .scroll { overflow-x: auto; }
        td.date, td[class^="state-"] { white-space: nowrap; }
        table.indicators { table-layout: fixed; }
        table.indicators col.c-name { width: 27%; } table.indicators col.c-stat { width: 16%; }
        table.indicators col.c-num { width: 10.5%; } table.indicators col.c-chart { width: 25.5%; }
        table.indicators th, table.indicators td { overflow-wrap: anywhere; }
        thead th::first-letter { text-transform: uppercase; }
        dl.facts div.wide { grid-column: 1 / -1; }
        dd.mono { font-family: ui-monospace, "DejaVu Sans Mono", monospace; font-weight: 400; font-size: .9rem; }
        pre { background: var(--band); padding: .6rem; overflow-x: auto; }
        .pager { display: flex; gap: 1rem; }
        svg.chart { display: block; max-width: 100%; height: auto; }
        svg.chart text { font-size: 10px; fill: var(--ink); }
        svg.chart text.marker { fill: var(--warn); font-weight: 700; }
        svg.chart text.on-dark { fill: #fff; }
        svg.chart .axis { stroke: #7a8694; stroke-width: 1; }
        .series-0 { fill: #9db7d5; } .series-1 { fill: #3f7cbf; } .series-2 { fill: #0d3b6e; }
        svg.chart rect.series-0:only-child, td svg.chart .series-0 { fill: #2f6db0; }
        .heat-0 { fill: #eef3f8; } .heat-1 { fill: #c9dbee; } .heat-2 { fill: #93b8de; }
        .heat-3 { fill: #4f89c4; } .heat-4 { fill: #245f9e; } .heat-5 { fill: #0d3b6e; }
        .over { stroke: var(--bad); stroke-width: 2; }
        @media print {
          header.top, form, .skip, .pager, fieldset.presets { display: none !important; }
          body { font-size: 11pt; }
          main { max-width: none; padding: 0; }
          a { color: inherit; text-decoration: none; }
          section, tr { break-inside: avoid; }
          details > pre { display: block; }
        }
        """

    /// Date-range presets (shown only when scripts run; the form works without them) and filters that apply as
    /// soon as they change.
    static let script = """
        "use strict";
        document.addEventListener("DOMContentLoaded", function () {
          var presets = document.querySelector("fieldset.presets");
          if (presets) {
            presets.hidden = false;
            presets.addEventListener("click", function (event) {
              var months = Number(event.target.getAttribute("data-months"));
              if (!months) { return; }
              var to = document.getElementById("to");
              var end = to.value ? new Date(to.value + "T00:00:00Z") : new Date();
              var start = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth() - months, 1));
              var last = new Date(Date.UTC(end.getUTCFullYear(), end.getUTCMonth(), 1));
              document.getElementById("from").value = start.toISOString().slice(0, 10);
              to.value = last.toISOString().slice(0, 10);
              to.form.submit();
            });
          }
          document.querySelectorAll("[data-autosubmit]").forEach(function (field) {
            field.addEventListener("change", function () { field.form.submit(); });
          });
        });
        """
}
