/// The dashboard's mustache templates (hummingbird-project/swift-mustache). Every page extends `layout`; values
/// are HTML-escaped by `{{…}}`, and only the SVG charts drawn by `SVGChart` (which escapes its own text) are put
/// in raw with `{{{…}}}`.
enum DashboardTemplates {
    static let all: [String: String] = [
        "layout": layout, "login": login, "message": message, "home": home, "programmes": programmes,
        "programme": programme, "plans": plans, "plan": plan, "providers": providers, "ledger": ledger,
    ]

    static let layout = """
        <!doctype html>
        <html lang="{{lang}}">
        <head>
        <meta charset="utf-8">
        <meta name="viewport" content="width=device-width, initial-scale=1">
        <title>{{title}} · CUSLedger</title>
        <link rel="stylesheet" href="/ui/static/dashboard.css">
        <script src="/ui/static/dashboard.js" defer></script>
        </head>
        <body>
        <a class="skip" href="#main">{{t.skip}}</a>
        <header class="top">
        <a class="brand" href="/ui/{{query}}">CUSLedger</a>
        {{#navAny}}<nav aria-label="{{t.navigation}}"><ul>{{/navAny}}
        {{#nav}}<li><a href="{{href}}"{{#current}} aria-current="page"{{/current}}>{{label}}</a></li>{{/nav}}
        {{#navAny}}</ul></nav>{{/navAny}}
        <div class="tools">
        <a href="{{switchHref}}" lang="{{otherLang}}" hreflang="{{otherLang}}">{{t.otherLanguage}}</a>
        {{#roleLabel}}<span class="who">{{t.role}}: {{roleLabel}}</span>
        <form method="post" action="/ui/logout"><button type="submit">{{t.logout}}</button></form>{{/roleLabel}}
        </div>
        </header>
        <main id="main" tabindex="-1">
        <h1>{{title}}</h1>
        {{$content}}{{/content}}
        </main>
        </body>
        </html>
        """

    static let login = """
        {{<layout}}{{$content}}
        <form class="login" method="post" action="/ui/login{{query}}">
        {{#failed}}<p class="error" role="alert">{{t.loginFailed}}</p>{{/failed}}
        <label for="token">{{t.token}}</label>
        <input id="token" name="token" type="password" autocomplete="off" required aria-describedby="token-help">
        <p id="token-help" class="help">{{t.tokenHelp}}</p>
        <button type="submit">{{t.login}}</button>
        </form>
        {{/content}}{{/layout}}
        """

    static let message = """
        {{<layout}}{{$content}}
        <p class="message" role="alert">{{text}}</p>
        {{#detail}}<p class="help">{{detail}}</p>{{/detail}}
        <p><a href="/ui/{{query}}">{{t.back}}</a></p>
        {{/content}}{{/layout}}
        """

    static let home = """
        {{<layout}}{{$content}}
        {{#navAny}}<p>{{t.homeIntro}}</p><ul class="cards">{{/navAny}}
        {{#nav}}<li><a href="{{href}}">{{label}}</a></li>{{/nav}}
        {{#navAny}}</ul>{{/navAny}}
        {{^nav}}<p>{{t.noPages}}</p>{{/nav}}
        {{/content}}{{/layout}}
        """

    static let programmes = """
        {{<layout}}{{$content}}
        {{#itemsAny}}<p>{{t.programmesIntro}}</p><ul class="cards">{{/itemsAny}}
        {{#items}}<li><a href="{{href}}">{{title}}</a> <span class="help">{{period}}</span></li>{{/items}}
        {{#itemsAny}}</ul>{{/itemsAny}}
        {{^items}}<p>{{t.noProgrammes}}</p>{{/items}}
        {{/content}}{{/layout}}
        """

    static let programme = """
        {{<layout}}{{$content}}
        <form class="filters" method="get" action="{{action}}">
        <input type="hidden" name="lang" value="{{lang}}">
        <div><label for="from">{{t.from}}</label><input id="from" name="from" type="date" value="{{from}}" required></div>
        <div><label for="to">{{t.to}}</label><input id="to" name="to" type="date" value="{{to}}" required></div>
        <div><label for="asOf">{{t.asOf}}</label><input id="asOf" name="asOf" type="date" value="{{asOf}}" aria-describedby="asof-help">
        <span id="asof-help" class="help">{{t.asOfHelp}}</span></div>
        <fieldset class="presets" hidden><legend>{{t.presets}}</legend>
        <button type="button" data-months="3">{{t.months3}}</button>
        <button type="button" data-months="6">{{t.months6}}</button>
        <button type="button" data-months="12">{{t.months12}}</button></fieldset>
        <div><button type="submit">{{t.show}}</button></div>
        </form>
        <p class="meta">{{t.period}}: {{from}} – {{to}} · {{t.reflects}}: {{checkpoint}} {{t.events}} · {{t.ruleSet}}: {{ruleSet}}
        · <a href="{{csvHref}}" download>{{t.downloadCSV}}</a></p>
        <p class="help">{{t.suppressedNote}} {{t.noTargets}}</p>
        {{#groups}}
        <section aria-labelledby="group-{{key}}">
        <h2 id="group-{{key}}">{{name}}</h2>
        <table class="indicators">
        <colgroup><col class="c-name"><col class="c-stat"><col class="c-num"><col class="c-num"><col class="c-num">
        <col class="c-chart"></colgroup>
        <thead><tr><th scope="col">{{t.indicator}}</th><th scope="col">{{t.statistic}}</th>
        <th scope="col" class="num">{{t.value}}</th><th scope="col" class="num">{{t.numerator}}</th>
        <th scope="col" class="num">{{t.denominator}}</th><th scope="col">{{t.trend}}</th></tr></thead>
        <tbody>
        {{#rows}}<tr><th scope="row"><span class="code">{{id}}</span> {{name}}</th><td>{{statistic}}</td>
        <td class="num{{#suppressed}} suppressed{{/suppressed}}">{{value}}</td><td class="num">{{numerator}}</td>
        <td class="num">{{denominator}}</td><td>{{{chart}}}</td></tr>
        {{/rows}}
        </tbody></table>
        </section>
        {{/groups}}
        {{/content}}{{/layout}}
        """

    static let plans = """
        {{<layout}}{{$content}}
        <form class="filters" method="get" action="/ui/plans">
        <input type="hidden" name="lang" value="{{lang}}">
        <div><label for="status">{{t.status}}</label><select id="status" name="status" data-autosubmit>
        <option value="">{{t.allStatuses}}</option>
        {{#statuses}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{label}}</option>{{/statuses}}
        </select></div>
        <div class="check"><input id="flagged" name="flagged" type="checkbox" value="1"{{#flagged}} checked{{/flagged}} data-autosubmit>
        <label for="flagged">{{t.flaggedOnly}}</label></div>
        <div><button type="submit">{{t.filter}}</button></div>
        </form>
        <p class="meta">{{t.shown}} {{first}}–{{last}} {{t.of}} {{total}} · {{t.reflects}}: {{checkpoint}} {{t.events}}</p>
        {{#rowsAny}}<table>
        <thead><tr><th scope="col">{{t.planId}}</th><th scope="col">{{t.status}}</th><th scope="col">{{t.filedAt}}</th>
        <th scope="col">{{t.approvedAt}}</th><th scope="col" class="num">{{t.daysToPlan}}</th><th scope="col">{{t.start}}</th>
        <th scope="col">{{t.end}}</th><th scope="col" class="num">{{t.units}}</th><th scope="col">{{t.flags}}</th></tr></thead>
        <tbody>{{/rowsAny}}
        {{#rows}}<tr><th scope="row"><a href="{{href}}" class="code">{{shortId}}</a></th><td>{{status}}</td>
        <td class="date">{{filedAt}}</td><td class="date">{{approvedAt}}</td><td class="num">{{daysToPlan}}</td>
        <td class="date">{{start}}</td><td class="date">{{end}}</td>
        <td class="num">{{units}}</td><td>{{#flags}}<span class="flag">{{.}}</span> {{/flags}}</td></tr>
        {{/rows}}
        {{#rowsAny}}</tbody></table>{{/rowsAny}}
        {{^rows}}<p>{{t.noRows}}</p>{{/rows}}
        <nav class="pager" aria-label="{{t.shown}}">
        {{#previousHref}}<a href="{{previousHref}}">{{t.previous}}</a>{{/previousHref}}
        {{#nextHref}}<a href="{{nextHref}}">{{t.next}}</a>{{/nextHref}}
        </nav>
        {{/content}}{{/layout}}
        """

    static let plan = """
        {{<layout}}{{$content}}
        <section aria-labelledby="facts"><h2 id="facts">{{t.planFacts}}</h2>
        <dl class="facts">
        {{#facts}}<div><dt>{{label}}</dt><dd>{{value}}</dd></div>{{/facts}}
        </dl>
        {{#flagsAny}}<p>{{t.flags}}: {{/flagsAny}}{{#flags}}<span class="flag">{{.}}</span> {{/flags}}{{#flagsAny}}</p>{{/flagsAny}}
        </section>
        <section aria-labelledby="units"><h2 id="units">{{t.unitsChart}}</h2>
        {{{chart}}}
        <table>
        <thead><tr><th scope="col">{{t.service}}</th><th scope="col">{{t.provider}}</th>
        <th scope="col" class="num">{{t.planned}}</th><th scope="col" class="num">{{t.authorised}}</th>
        <th scope="col" class="num">{{t.delivered}}</th><th scope="col" class="num">{{t.missed}}</th></tr></thead>
        <tbody>{{#items}}<tr><th scope="row">{{service}}</th><td>{{provider}}</td><td class="num">{{planned}}</td>
        <td class="num">{{authorised}}</td><td class="num">{{delivered}}</td><td class="num">{{missed}}</td></tr>{{/items}}
        </tbody></table>
        </section>
        <section aria-labelledby="timeline"><h2 id="timeline">{{t.timeline}}</h2>
        <ol class="timeline">
        {{#events}}<li><span class="when">{{date}}</span> <strong>{{label}}</strong> <span class="code">{{type}}</span>
        <span class="help">· {{t.actor}}: {{actor}} · {{t.recordedAt}} {{recordedAt}} · {{t.position}} {{position}}</span>
        </li>{{/events}}
        </ol>
        </section>
        {{/content}}{{/layout}}
        """

    static let providers = """
        {{<layout}}{{$content}}
        <p class="meta">{{t.reflects}}: {{checkpoint}} {{t.events}}</p>
        <section aria-labelledby="heat"><h2 id="heat">{{t.heatMap}}</h2>
        <p class="help">{{t.heatLegend}}</p>
        <div class="scroll">{{{heatMap}}}</div>
        </section>
        <section aria-labelledby="table"><h2 id="table">{{t.tableTotals}}</h2>
        <form class="filters" method="get" action="/ui/providers">
        <input type="hidden" name="lang" value="{{lang}}">
        <div><label for="month">{{t.month}}</label><select id="month" name="month" data-autosubmit>
        <option value="">{{t.allMonths}}</option>
        {{#months}}<option value="{{value}}"{{#selected}} selected{{/selected}}>{{value}}</option>{{/months}}
        </select></div>
        <div><button type="submit">{{t.filter}}</button></div>
        </form>
        {{#rowsAny}}<div class="scroll"><table>
        <thead><tr><th scope="col">{{t.provider}}</th><th scope="col">{{t.service}}</th>
        <th scope="col" class="num">{{t.capacity}}</th><th scope="col" class="num">{{t.authorised}}</th>
        <th scope="col" class="num">{{t.delivered}}</th><th scope="col" class="num">{{t.missed}}</th>
        <th scope="col" class="num">{{t.utilisation}}</th><th scope="col" class="num">{{t.fulfilment}}</th>
        </tr></thead><tbody>{{/rowsAny}}
        {{#rows}}<tr><th scope="row">{{provider}}</th><td>{{service}}</td><td class="num">{{capacity}}</td>
        <td class="num">{{authorised}}</td><td class="num">{{delivered}}</td><td class="num">{{missed}}</td>
        <td class="num">{{utilisation}}</td><td class="num">{{fulfilment}}</td></tr>{{/rows}}
        {{#rowsAny}}</tbody></table></div>{{/rowsAny}}
        {{^rows}}<p>{{t.noRows}}</p>{{/rows}}
        </section>
        {{/content}}{{/layout}}
        """

    static let ledger = """
        {{<layout}}{{$content}}
        <dl class="facts">
        {{#facts}}<div class="{{wide}}"><dt>{{label}}</dt><dd class="{{className}}">{{value}}</dd></div>{{/facts}}
        </dl>
        <p class="help">{{t.verifyNote}}</p>
        {{#checkpointText}}<details><summary>{{t.checkpoint}}</summary><pre>{{checkpointText}}</pre></details>{{/checkpointText}}
        <section aria-labelledby="projections"><h2 id="projections">{{t.projections}}</h2>
        <div class="scroll"><table>
        <thead><tr><th scope="col">{{t.projection}}</th><th scope="col" class="num">{{t.version}}</th>
        <th scope="col" class="num">{{t.builtVersion}}</th><th scope="col">{{t.state}}</th>
        <th scope="col" class="num">{{t.projectionCheckpoint}}</th><th scope="col" class="num">{{t.lagEvents}}</th>
        <th scope="col" class="num">{{t.lagSeconds}}</th><th scope="col">{{t.rebuild}}</th></tr></thead>
        <tbody>{{#projections}}<tr><th scope="row">{{name}}</th><td class="num">{{version}}</td><td class="num">{{builtVersion}}</td>
        <td class="state-{{stateCode}}">{{state}}</td><td class="num">{{checkpoint}}</td><td class="num">{{lagEvents}}</td>
        <td class="num">{{lagSeconds}}</td><td>{{rebuild}}</td></tr>{{/projections}}</tbody>
        </table></div>
        </section>
        {{/content}}{{/layout}}
        """
}
