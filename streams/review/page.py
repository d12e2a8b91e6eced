"""The review page's HTML (server-rendered with Jinja2) and its small keyboard script.

One offer at a time, the oldest first (of one supplier, when one is chosen): the offer as sent and
as read, then its candidates side by side — score, text with the words the offer does not have
marked, attributes with the ones a guard ruled on marked, and the guard that fired. Keys:
``c`` confirm the proposal, ``1``–``5`` pick a candidate, ``x`` reject the proposal, ``n`` the
catalog has no such item, ``/`` search the catalog, ``s`` skip.
"""

from __future__ import annotations

import re
from typing import Any

from jinja2 import DictLoader, Environment, select_autoescape
from markupsafe import Markup, escape

PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Review — offer-matcher</title>
<style>
 body{font-family:system-ui,sans-serif;margin:0;background:#f6f7f9;color:#1d2330}
 header{background:#1d2330;color:#fff;padding:10px 18px;display:flex;gap:18px;align-items:center}
 header b{font-size:17px} header a{color:#9cc3ff} .count{margin-left:auto}
 main{display:grid;grid-template-columns:220px 1fr;gap:16px;padding:16px}
 aside a{display:block;padding:4px 6px;border-radius:4px;color:#1d2330;text-decoration:none}
 aside a.on{background:#dfe8fb} .card{background:#fff;border:1px solid #d9dde5;border-radius:6px;padding:12px}
 .offer h2{margin:0 0 6px;font-size:19px} .muted{color:#667085;font-size:13px}
 .cands{display:grid;grid-template-columns:repeat(auto-fill,minmax(230px,1fr));gap:10px;margin-top:12px}
 .cand.proposed{border:2px solid #2f6fed} .cand.ruled{opacity:.75}
 .cand h3{margin:0;font-size:15px} mark{background:#ffe58f} .bad{color:#b42318;font-weight:600}
 kbd{border:1px solid #aab;border-radius:3px;padding:0 4px;background:#fff}
 .keys{margin:10px 0;font-size:13px} #status{min-height:20px;font-weight:600}
 table{border-collapse:collapse;font-size:13px} td{padding:2px 6px;vertical-align:top}
 input#q{width:60%;padding:4px} .queue li{font-size:13px}
</style></head>
<body>
<header><b>offer-matcher · review</b><span>reviewer: <span id="reviewer">{{ reviewer }}</span></span>
 <a href="/api/audit?format=csv">audit log (CSV)</a><a href="/api/audit?format=jsonl">(JSONL)</a>
 <span class="count" id="left">{{ depth }} waiting · {{ suppliers|length }} suppliers</span></header>
<main>
<aside class="card"><div class="muted">suppliers (oldest first)</div>
 <a href="/" class="{{ 'on' if not supplier else '' }}">all ({{ depth }})</a>
 {% for name, n in suppliers %}<a href="/?supplier={{ name|urlencode }}" class="{{ 'on' if name == supplier else '' }}">{{ name or '(none)' }} ({{ n }})</a>{% endfor %}
</aside>
<section>
{% if item %}
<div class="card offer" id="offer" data-offer="{{ item.offer_id }}" data-proposed="{{ item.proposed or '' }}">
 <h2 id="title">{{ item.title }}</h2>
 <div class="muted">offer {{ item.offer_id }} · supplier {{ item.supplier_id or '(none)' }} · queued {{ item.queued_at[:19] }} · why unsure: <b id="reason">{{ item.reason }}</b></div>
 <div class="muted">read as: {{ item.normalized }}</div>
 <table>{% for k, v in item.attributes.items() %}<tr><td>{{ k }}</td><td>{{ v }}</td></tr>{% endfor %}</table>
 <div class="keys"><kbd>c</kbd> confirm proposal · <kbd>1</kbd>–<kbd>5</kbd> pick · <kbd>x</kbd> reject proposal · <kbd>n</kbd> not in catalog · <kbd>/</kbd> search · <kbd>s</kbd> skip</div>
 <div id="status"></div>
 <div class="cands">
 {% for c in cands %}
  <div class="card cand {{ 'proposed' if c.proposed else '' }} {{ 'ruled' if c.conflicts else '' }}" data-id="{{ c.catalog_id }}">
   <h3>{{ loop.index }} · {{ c.catalog_id }}{% if c.proposed %} · proposed{% endif %}</h3>
   <div class="muted">score {{ '%.3f'|format(c.score) }}</div>
   <p>{{ c.marked }}</p>
   {% if c.conflicts %}<div class="bad">ruled out: {{ c.conflicts|join(', ') }}</div>{% endif %}
   <table>{% for k, v, clash in c.attrs %}<tr><td>{{ k }}</td><td class="{{ 'bad' if clash else '' }}">{{ v }}</td></tr>{% endfor %}</table>
  </div>
 {% endfor %}
 </div>
 <p><input id="q" placeholder="search the catalog ( / )"> <span class="muted">Enter picks the first</span></p>
 <ol id="found"></ol>
</div>
{% else %}<div class="card" id="empty"><h2>Nothing waiting{{ ' from ' ~ supplier if supplier else '' }}.</h2></div>{% endif %}
<div class="card queue"><div class="muted">waiting, by supplier, oldest first</div>
 {% for name, items in groups %}<b>{{ name or '(none)' }}</b><ul>{% for q in items %}<li>{{ q.title }} <span class="muted">({{ q.reason }})</span></li>{% endfor %}</ul>{% endfor %}
</div>
</section></main>
<script>
const offer = document.getElementById('offer');
const status = document.getElementById('status');
function ids() { return [...document.querySelectorAll('.cand')].map(e => e.dataset.id); }
async function answer(action, catalogId) {
  const body = {offer_id: offer.dataset.offer, action: action};
  if (catalogId) body.catalog_id = catalogId;
  status.textContent = 'saving…';
  const r = await fetch('/api/answers', {method: 'POST', headers: {'Content-Type': 'application/json'},
                                          body: JSON.stringify(body)});
  const data = await r.json();
  if (!r.ok) { status.textContent = data.error; return; }
  status.textContent = 'saved: ' + data.settled.length + ' offer(s)';
  location.reload();
}
function skip() { const u = new URL(location); u.searchParams.set('at', String(Number(u.searchParams.get('at') || 0) + 1)); location = u; }
async function search(q) {
  const r = await fetch('/api/search?q=' + encodeURIComponent(q));
  const data = await r.json();
  const list = document.getElementById('found'); list.innerHTML = '';
  for (const it of data.items) {
    const li = document.createElement('li'); li.textContent = it.catalog_id + ' · ' + it.text + ' ';
    const b = document.createElement('button'); b.textContent = 'pick'; b.onclick = () => answer('pick', it.catalog_id);
    li.appendChild(b); list.appendChild(li);
  }
  return data.items;
}
const q = document.getElementById('q');
if (q) q.addEventListener('keydown', async (e) => {
  if (e.key === 'Enter') { const items = await search(q.value); if (items.length) answer('pick', items[0].catalog_id); }
  if (e.key === 'Escape') q.blur();
});
document.addEventListener('keydown', (e) => {
  if (!offer || e.target === q || e.ctrlKey || e.metaKey || e.altKey) return;
  if (e.key === 'c' && offer.dataset.proposed) answer('confirm', offer.dataset.proposed);
  else if (e.key === 'x' && offer.dataset.proposed) answer('reject', offer.dataset.proposed);
  else if (e.key === 'n') answer('none');
  else if (e.key === 's') skip();
  else if (e.key === '/') { e.preventDefault(); q.focus(); }
  else if (/^[1-5]$/.test(e.key) && ids()[Number(e.key) - 1]) answer('pick', ids()[Number(e.key) - 1]);
});
</script></body></html>"""

LOGIN = """<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sign in — review</title></head>
<body style="font-family:system-ui;margin:40px"><h2>offer-matcher review</h2>
<form method="post" action="/login"><p><label>your name <input name="reviewer" required></label></p>
<p><label>token <input name="token" type="password" required></label></p>
<p><button type="submit">sign in</button> {% if error %}<b style="color:#b42318">{{ error }}</b>{% endif %}</p></form></body></html>"""

_ENV = Environment(
    loader=DictLoader({"page.html": PAGE, "login.html": LOGIN}),
    autoescape=select_autoescape(default=True, default_for_string=True),
)
_WORD = re.compile(r"[\w+\-./]+")


def words(text: str) -> set[str]:
    """A text's words, as :func:`marked` compares them."""
    return {w.lower() for w in _WORD.findall(text)}


def marked(text: str, offer_words: set[str]) -> Markup:
    """``text`` with the words the offer does not have marked (HTML-escaped)."""
    out = []
    last = 0
    for m in _WORD.finditer(text):
        out.append(str(escape(text[last : m.start()])))
        word = str(escape(m.group()))
        out.append(f"<mark>{word}</mark>" if m.group().lower() not in offer_words else word)
        last = m.end()
    out.append(str(escape(text[last:])))
    return Markup("".join(out))


def render(name: str, **context: Any) -> str:
    return _ENV.get_template(name).render(**context)
