// The ackbot inspector: webhooks live from the event stream, their detail, Replay and Send.
// A webhook's text only ever enters the page as text (text nodes, textContent), never as markup.
'use strict';
(() => {
  const $ = (id) => document.getElementById(id);
  const list = $('list'), conn = $('conn'), plat = $('send-platform'), textIn = $('send-text');
  const sendBtn = $('send-button'), sendOut = $('send-result'), replayBtn = $('replay');
  const replayOut = $('replay-result'), filterIn = $('filter');
  const MUTATE = { 'x-ackbot-inspector': '1' };
  const EXAMPLE = { slack: '/echo hi', line: 'echo hi', discord: '/echo hi' };
  const TONE = {
    processed: 'ok', rejected: 'bad', invalid: 'bad', failed: 'bad', undeliverable: 'bad', refused: 'bad',
    pending: 'run', in_progress: 'run',
  };
  const rows = new Map(); // id → { s: Summary, li }
  let capacity = 500, selected = null, detailOf = null, source = null, retry = null;

  // An element with a class and children: nodes, or strings that become text nodes.
  function el(tag, cls, ...kids) {
    const e = document.createElement(tag);
    if (cls) e.className = cls;
    for (const k of kids) if (k != null && k !== false && k !== '') e.append(k);
    return e;
  }
  const tid = (e, id) => ((e.dataset.testid = id), e);
  const num = (v) => typeof v === 'number' && isFinite(v);
  const ms = (v) => !num(v) ? '' : v >= 1000 ? (v / 1000).toFixed(2) + ' s'
    : (v < 1 ? v.toFixed(2) : v < 100 ? v.toFixed(1) : Math.round(v)) + ' ms';
  const pad = (n, w = 2) => String(n).padStart(w, '0');
  function clock(t) {
    const d = new Date(t);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.${pad(d.getMilliseconds(), 3)}`;
  }
  const stages = (s) => (Array.isArray(s.stages) ? s.stages : []);
  const total = (s) => stages(s).reduce((m, st) => (num(st.at_ms) && st.at_ms > m ? st.at_ms : m), 0);
  const callBad = (st) => st.error != null || st.status == null || st.status >= 400;
  const code = (st) => (st.status != null ? String(st.status) : 'error');
  const quote = (t) => '“' + t + '”';
  const stateBadge = (s, id) => badge('state ' + (TONE[s.state] || 'dim'), s.state.replace('_', ' '), id);
  const tone = (st) => ['rejected', 'invalid', 'delivery_failed'].includes(st.kind) ||
    (st.kind === 'call' && callBad(st)) ? 'bad' : ['skipped', 'duplicate'].includes(st.kind) ? 'dim' : '';

  // "POST 127.0.0.1:4567/v2/bot/message/reply" → "POST /v2/bot/message/reply" for the list.
  function shortTarget(t) {
    const m = /^(\S+) (?:\w+:\/\/)?[^/\s]+(\/\S*)?$/.exec(t = String(t || ''));
    return !m ? t : m[2] ? m[1] + ' ' + (m[2].length > 34 ? '…' + m[2].slice(-33) : m[2]) : m[1];
  }

  // One stage in a few words for the list (null: left out), or in full for the detail.
  function describe(st, s, long) {
    const reason = st.reason || '';
    switch (st.kind) {
      case 'acked': case 'answered': return long ? 'status ' + st.status : `${st.kind} ${st.status} · ${ms(st.at_ms)}`;
      case 'rejected': case 'invalid': case 'skipped': return long ? reason : `${st.kind}: ${reason}`;
      case 'duplicate': return long ? (st.key ? 'key ' + st.key : '') : 'duplicate';
      case 'handled':
        return long ? `${st.command || ''} → ${st.outcome || ''}` : `handled ${st.command || ''}` +
          (st.outcome && st.outcome !== 'handled' ? ` (${st.outcome})` : '') + ' ' + ms(st.ms);
      case 'call':
        return long ? `${st.target} → ${code(st)}` + (st.error ? ` (${st.error})` : '') + (st.text != null ? '\n' + quote(st.text) : '')
          : `${shortTarget(st.target)} ${code(st)} ${ms(st.ms)}` + (st.text != null ? ' ' + quote(st.text) : '') + (st.error ? ' ' + st.error : '');
      case 'replied': {
        const texts = (st.texts || []).map(quote).join(', ');
        // The calls show their texts already: a reply is listed only when no call carries one.
        if (long) return `${st.command || ''}: ${texts}`;
        return stages(s).some((c) => c.kind === 'call' && c.text != null) ? null : 'replied ' + texts;
      }
      case 'delivery_failed': return long ? `${st.command || ''}: ${st.error || ''}` : 'delivery failed: ' + (st.error || '');
      case 'done': return long ? st.status || '' : null;
      default: return long ? '' : st.kind;
    }
  }

  // A stage's extent: [start, end] for the timed ones (ack, handler, calls), else null.
  function extent(st) {
    if (st.kind === 'acked' || st.kind === 'answered') return [0, st.at_ms];
    return num(st.ms) ? [st.at_ms - st.ms, st.at_ms] : null;
  }
  const segClass = (st) => (st.kind === 'call' ? (callBad(st) ? 'bad' : 'call') : st.kind === 'handled' ? 'run' : 'ack');

  // A bar segment from a to z of span, or a mark at a when z is null.
  function seg(parent, cls, a, z, span, title) {
    const x = el('span', cls), from = Math.max(0, Math.min(a / span, 1));
    x.style.left = from * 100 + '%';
    if (z != null) x.style.width = Math.max(0, Math.min(z / span, 1) - from) * 100 + '%';
    x.title = title;
    parent.append(x);
  }

  // The list's timing bar: the ack, the handler and the calls in three lanes, failures marked.
  function bar(s) {
    const b = tid(el('div', 'tbar'), 'timing-bar'), span = total(s) || 1, lines = [];
    for (const st of stages(s)) {
      const ext = extent(st), lane = { handled: 1, call: 2 }[st.kind] || 0;
      if (!ext && tone(st) !== 'bad') continue;
      const title = ext ? `${st.kind === 'call' ? st.target + ' ' + code(st) : st.kind + ' ' + (st.command || st.status || '')}: ` +
        `${ms(ext[1] - ext[0])} (${ms(ext[0])} → ${ms(ext[1])})` : `${st.kind} at ${ms(st.at_ms)}`;
      seg(b, ext ? `seg l${lane} ${segClass(st)}` : 'seg lm bad', ext ? ext[0] : st.at_ms, ext && ext[1], span, title);
      lines.push(title);
    }
    b.title = lines.join('\n') || 'nothing timed yet';
    return b;
  }

  const badge = (cls, text, id) => tid(el('span', 'badge ' + cls, text), id);

  function row(s) {
    const li = tid(el('li', 'row'), 'webhook'), line = tid(el('div', 'line'), 'stages'), T = total(s);
    li.tabIndex = 0;
    li.title = s.id;
    Object.assign(li.dataset, { id: s.id, state: s.state, platform: s.platform });
    if (s.replay_of) li.dataset.replayOf = s.replay_of;
    for (const st of stages(s)) {
      const t = describe(st, s, false);
      if (t == null) continue;
      if (line.firstChild) line.append(el('span', 'arrow', '→'));
      line.append(tid(el('span', tone(st) || st.kind, t), 'stage-' + st.kind));
    }
    if (!line.firstChild) line.append('waiting…');
    li.append(
      el('div', 'head',
        tid(el('span', 'time', clock(s.received_at_ms)), 'time'),
        badge('plat ' + s.platform, s.platform, 'platform'),
        tid(el('span', 'what', s.what != null ? s.what : TONE[s.state] === 'run' ? '…' : '—'), 'what'),
        tid(el('span', 'route', s.route), 'route'),
        s.replay_of && badge('replay', 'replay of ' + s.replay_of, 'replay-badge'),
        el('span', 'grow'),
        stateBadge(s, 'state'),
        tid(el('span', 'total', T ? ms(T) : ''), 'total'),
        bar(s)),
      line);
    return li;
  }

  function matches(s) {
    const f = filterIn.value.trim().toLowerCase();
    return !f || [s.id, s.platform, s.route, s.what, s.state, s.replay_of].some((v) => v && String(v).toLowerCase().includes(f));
  }

  function counted() {
    const n = rows.size;
    $('count').textContent = `${n} webhook${n === 1 ? '' : 's'}`;
    $('empty').hidden = n > 0;
  }

  // A webhook received or changed: its row is replaced, or a new one goes on top.
  function upsert(s, fresh) {
    if (!s || typeof s.id !== 'string') return;
    const li = row(s), old = rows.get(s.id);
    li.hidden = !matches(s);
    li.classList.toggle('sel', s.id === selected);
    if (old) old.li.replaceWith(li);
    else list.prepend(li), fresh && li.classList.add('new');
    rows.set(s.id, { s, li });
    for (let last; rows.size > capacity && (last = list.lastElementChild);) {
      rows.delete(last.dataset.id);
      last.remove();
    }
    counted();
    if (s.id === selected) showSummary(s);
  }

  function hello(h) {
    const platforms = h.platforms || [], keep = plat.value;
    if (num(h.capacity) && h.capacity > 0) capacity = h.capacity;
    plat.replaceChildren(...platforms.map((p) => Object.assign(el('option', '', p), { value: p })));
    if (platforms.includes(keep)) plat.value = keep;
    sendBtn.disabled = !platforms.length;
    if (!platforms.length) say(sendOut, 'no platform is configured', 'err');
    placeholder();
    list.replaceChildren();
    rows.clear();
    for (const s of h.webhooks || []) upsert(s, false);
    counted();
    live(true);
  }

  function live(on, closed) {
    conn.dataset.state = on ? 'live' : closed ? 'disconnected' : 'reconnecting';
    conn.textContent = on ? 'live' : closed ? 'disconnected' : 'reconnecting…';
  }

  function connect() {
    const parse = (e) => { try { return JSON.parse(e.data); } catch (_) { return null; } };
    clearTimeout(retry);
    if (source) source.close();
    source = new EventSource('./events');
    source.addEventListener('hello', (e) => { const h = parse(e); if (h) hello(h); });
    source.addEventListener('webhook', (e) => upsert(parse(e), true));
    source.onopen = () => live(true);
    source.onerror = () => {
      // The browser reconnects by itself, unless the stream answered with an error.
      const closed = source.readyState === EventSource.CLOSED;
      live(false, closed);
      if (closed) retry = setTimeout(connect, 3000);
    };
  }

  function say(node, text, kind) {
    node.textContent = text;
    node.className = 'result ' + (kind || '');
  }

  async function api(path, init) {
    const res = await fetch(path, { credentials: 'same-origin', cache: 'no-store', ...init });
    let body = null;
    try { body = await res.json(); } catch (_) { /* not JSON */ }
    if (res.ok) return body || {};
    const why = body && typeof body.error === 'string' ? body.error : `${res.status} ${res.statusText}`;
    throw new Error(res.status === 401 ? why + ' (reload the page to sign in)' : why);
  }

  // The detail panel: the summary's part follows the stream; headers and body are fetched once.
  function showSummary(s) {
    const dl = $('d-meta'), tb = $('d-stages'), span = total(s) || 1;
    let origin = null;
    $('d-title').textContent = s.what != null ? s.what : s.route;
    if (s.replay_of) {
      origin = tid(el('button', 'link', s.replay_of), 'replay-of');
      origin.type = 'button';
      origin.onclick = () => open(s.replay_of);
    }
    dl.replaceChildren();
    for (const [k, v] of [
      ['id', s.id],
      ['received', new Date(s.received_at_ms).toLocaleDateString() + ' ' + clock(s.received_at_ms)],
      ['platform', s.platform],
      ['route', s.route],
      ['state', stateBadge(s, 'detail-state')],
      ['replay of', origin],
      ['total', ms(total(s))],
    ]) if (v) dl.append(el('dt', '', k), el('dd', '', v));
    tb.replaceChildren();
    for (const st of stages(s)) {
      const ext = extent(st), w = el('td', 'wf'), tr = tid(el('tr', tone(st)), 'detail-stage');
      if (ext) seg(w, 'seg ' + segClass(st), ext[0], ext[1], span, `${ms(ext[0])} → ${ms(ext[1])}`);
      else seg(w, 'mark ' + tone(st), st.at_ms, null, span, 'at ' + ms(st.at_ms));
      tr.dataset.kind = st.kind;
      tr.append(el('td', 'num', ms(st.at_ms)), el('td', 'kind', st.kind.replace('_', ' ')),
        el('td', 'more', describe(st, s, true)), el('td', 'num', ext ? ms(ext[1] - ext[0]) : ''), w);
      tb.append(tr);
    }
  }

  function showDetail(d) {
    detailOf = d;
    $('d-headers').replaceChildren(...(d.headers || []).map(([k, v]) => tid(el('tr', '', el('th', '', k), el('td', '', v)), 'header')));
    $('d-body').textContent = d.body == null ? '' : d.body;
    $('d-bytes').textContent = num(d.body_bytes) ? `(${d.body_bytes} bytes)` : '';
    replayBtn.disabled = !d.replayable;
    replayBtn.title = d.replayable ? 'Run it again, as a new delivery' : 'It cannot be replayed';
    const known = rows.get(d.id);
    showSummary(known ? known.s : d);
  }

  async function open(id) {
    const known = rows.get(id);
    select(id);
    if (known) showSummary(known.s);
    replayBtn.disabled = true;
    say(replayOut, '');
    $('d-headers').replaceChildren();
    $('d-body').textContent = 'loading…';
    $('d-bytes').textContent = '';
    try {
      const d = await api('./api/webhooks/' + encodeURIComponent(id));
      if (selected === id) showDetail(d);
    } catch (err) {
      if (selected !== id) return;
      $('d-body').textContent = '';
      say(replayOut, err.message, 'err');
    }
  }

  function select(id) {
    for (const r of [rows.get(selected), rows.get(id)]) if (r) r.li.classList.toggle('sel', r.s.id === id);
    selected = id;
    detailOf = null;
    $('detail').hidden = !id;
  }

  const placeholder = () => { textIn.placeholder = EXAMPLE[plat.value] || 'text'; };

  list.onclick = (e) => {
    const li = e.target.closest('li.row');
    if (li) open(li.dataset.id);
  };
  list.onkeydown = (e) => {
    const li = e.target.closest('li.row');
    if (li && (e.key === 'Enter' || e.key === ' ')) e.preventDefault(), open(li.dataset.id);
  };
  document.onkeydown = (e) => { if (e.key === 'Escape' && selected) select(null); };
  $('close').onclick = () => select(null);
  plat.onchange = placeholder;
  filterIn.oninput = () => rows.forEach(({ s, li }) => (li.hidden = !matches(s)));

  replayBtn.onclick = async () => {
    const id = selected;
    if (!id) return;
    replayBtn.disabled = true;
    say(replayOut, 'replaying…');
    try {
      const r = await api(`./api/webhooks/${encodeURIComponent(id)}/replay`, { method: 'POST', headers: MUTATE });
      if (selected === id) say(replayOut, 'replayed as ' + r.id, 'ok');
    } catch (err) {
      if (selected === id) say(replayOut, 'replay failed: ' + err.message, 'err');
    }
    if (selected === id) replayBtn.disabled = !(detailOf && detailOf.replayable);
  };

  $('send').onsubmit = async (e) => {
    e.preventDefault();
    const text = textIn.value.trim();
    if (!text || !plat.value) return;
    sendBtn.disabled = true;
    say(sendOut, 'sending…');
    try {
      const r = await api('./api/send', {
        method: 'POST',
        headers: { ...MUTATE, 'content-type': 'application/json' },
        body: JSON.stringify({ platform: plat.value, text }),
      });
      say(sendOut, `sent ${r.id}` + (r.status != null ? ` · acked ${r.status}` : ''), 'ok');
    } catch (err) {
      say(sendOut, 'not sent: ' + err.message, 'err');
    }
    sendBtn.disabled = false;
  };

  placeholder();
  counted();
  connect();
})();
