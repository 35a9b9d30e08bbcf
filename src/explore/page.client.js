/*
 * In-page script of the semantic ID explorer (plain browser JavaScript, no libraries, no network). It is inlined by
 * src/explore/html.ts as `(function (root) { ...this file... })(element)`: `root` is the explorer's outer element,
 * which holds the data as JSON in a script element of class lx-data. All data text enters the DOM through
 * textContent, never innerHTML.
 */
'use strict';
var D = JSON.parse(root.querySelector('script.lx-data').textContent);
var $ = function (role) { return root.querySelector('[data-role="' + role + '"]'); };
var SVGNS = 'http://www.w3.org/2000/svg';
var PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f',
  '#86bcb6', '#d37295', '#8cd17d', '#a0cbe8', '#ffbe7d', '#b6992d', '#499894'];
var OTHER = '#c9ccd1';
var SUP = ['\u00b9', '\u00b2', '\u00b3', '\u2074', '\u2075', '\u2076', '\u2077', '\u2078', '\u2079'];
var L = D.codebookSizes.length;
var N = D.numDocs;
var PAGE = 50;
var fmt = function (n) { return n.toLocaleString('en-US'); };
var cname = function (t) { return 'c' + (SUP[t] || String(t + 1)); };
var plural = function (n, w) { return fmt(n) + ' ' + w + (n === 1 ? '' : 's'); };
var pct = function (x) { return x > 0 && x < 0.001 ? '<0.1%' : (100 * x).toFixed(1) + '%'; };

/* ---------- DOM helpers ---------- */
function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
function svgEl(tag, attrs) {
  var e = document.createElementNS(SVGNS, tag);
  for (var k in attrs) e.setAttribute(k, attrs[k]);
  return e;
}
function clear(e) { while (e.firstChild) e.removeChild(e.firstChild); }
function codesOf(i) { return D.docs.codes.slice(i * L, (i + 1) * L); }

/* ---------- the ID tree ---------- */
var nodes = {};
var rootNode = { key: '', code: -1, depth: 0, parent: null, children: [], docs: [] };
nodes[''] = rootNode;
for (var i = 0; i < N; i++) {
  var node = rootNode;
  node.docs.push(i);
  for (var t = 0; t < D.depth; t++) {
    var c = D.docs.codes[i * L + t];
    var key = node.key === '' ? String(c) : node.key + '-' + c;
    var child = nodes[key];
    if (!child) {
      child = { key: key, code: c, depth: t + 1, parent: node, children: [], docs: [] };
      nodes[key] = child;
      node.children.push(child);
    }
    child.docs.push(i);
    node = child;
  }
}
(function sortTree(n) {
  n.children.sort(function (a, b) { return a.code - b.code; });
  n.children.forEach(sortTree);
})(rootNode);
function pathOf(n) { var p = []; while (n && n.parent) { p.unshift(n); n = n.parent; } return p; }
function nodeName(n) {
  if (!n.parent) return 'All documents';
  return pathOf(n).map(function (m) { return cname(m.depth - 1) + '=' + m.code; }).join(' \u203a ');
}

/* ---------- labels and colours ---------- */
var labelKey = D.labelKey;
function labelMix(n, key) {
  var col = D.labels[key];
  var counts = new Map();
  n.docs.forEach(function (d) { var v = col.idx[d]; counts.set(v, (counts.get(v) || 0) + 1); });
  return Array.from(counts.entries()).sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; });
}
function labelColour(v) { return v >= 0 && v < PALETTE.length ? PALETTE[v] : OTHER; }
function lighten(hex, f) {
  var n = parseInt(hex.slice(1), 16);
  var ch = [n >> 16, (n >> 8) & 255, n & 255].map(function (x) { return Math.round(x + (255 - x) * f); });
  return 'rgb(' + ch.join(',') + ')';
}
var colourMode = 'code';
function nodeColour(n) {
  if (colourMode === 'label' && labelKey) {
    var mix = labelMix(n, labelKey);
    var purity = mix[0][1] / n.docs.length;
    return lighten(labelColour(mix[0][0]), 0.65 * (1 - purity));
  }
  // colour of the ancestor on the innermost visible ring, lighter on deeper rings
  var p = pathOf(n), base = p[Math.min(focus.depth, p.length - 1)];
  var f = [0, 0.3, 0.52, 0.62][n.depth - base.depth];
  return lighten(PALETTE[base.code % PALETTE.length], f === undefined ? 0.7 : f);
}

/* ---------- state ---------- */
var focus = rootNode;       // the node at the centre of the sunburst
var selected = rootNode;    // the node shown in the panel
var predicted = null;       // array of codes of the predicted path, or null
var shown = PAGE;           // documents listed in the panel
var flashDoc = -1;

function go(n, opts) {
  selected = n;
  focus = n.children.length ? n : (n.parent || rootNode);
  shown = PAGE;
  flashDoc = opts && opts.doc !== undefined ? opts.doc : -1;
  if (flashDoc >= 0) {
    var pos = n.docs.indexOf(flashDoc);
    shown = Math.max(PAGE, Math.ceil((pos + 1) / PAGE) * PAGE);
  }
  render();
}

/* ---------- sunburst ---------- */
var S = 560, C = S / 2, R = S / 2 - 8, R0 = 74;
function pt(a, r) { return (C + r * Math.sin(a)).toFixed(2) + ' ' + (C - r * Math.cos(a)).toFixed(2); }
function arcPath(a0, a1, r0, r1) {
  if (a1 - a0 >= 2 * Math.PI - 1e-6) {
    return 'M' + pt(0, r1) + 'A' + r1 + ' ' + r1 + ' 0 1 1 ' + pt(Math.PI, r1) + 'A' + r1 + ' ' + r1 + ' 0 1 1 ' + pt(0, r1) +
      'M' + pt(0, r0) + 'A' + r0 + ' ' + r0 + ' 0 1 0 ' + pt(Math.PI, r0) + 'A' + r0 + ' ' + r0 + ' 0 1 0 ' + pt(0, r0) + 'Z';
  }
  var large = a1 - a0 > Math.PI ? 1 : 0;
  return 'M' + pt(a0, r1) + 'A' + r1 + ' ' + r1 + ' 0 ' + large + ' 1 ' + pt(a1, r1) +
    'L' + pt(a1, r0) + 'A' + r0 + ' ' + r0 + ' 0 ' + large + ' 0 ' + pt(a0, r0) + 'Z';
}
function onPath(n) {
  if (!predicted) return false;
  var p = pathOf(n);
  if (p.length > predicted.length) return false;
  return p.every(function (m, j) { return m.code === predicted[j]; });
}
function renderSunburst() {
  var svg = $('sunburst');
  clear(svg);
  var levels = D.depth - focus.depth;
  var ring = (R - R0) / Math.max(1, levels);
  var gArcs = svgEl('g', {}), gText = svgEl('g', { 'class': 'lx-arc-labels' });
  svg.appendChild(gArcs);
  svg.appendChild(gText);
  (function draw(n, a0, a1) {
    var total = n.docs.length;
    var a = a0;
    n.children.forEach(function (ch) {
      var b = a + (a1 - a0) * ch.docs.length / total;
      if (b - a > 0.0015) {
        var lvl = ch.depth - focus.depth;
        var r0 = R0 + (lvl - 1) * ring + 1, r1 = R0 + lvl * ring;
        var p = svgEl('path', { d: arcPath(a, b, r0, r1), fill: nodeColour(ch), 'data-key': ch.key });
        var cls = 'lx-arc';
        if (predicted) cls += onPath(ch) ? ' lx-on' : ' lx-dim';
        if (ch === selected) cls += ' lx-sel';
        p.setAttribute('class', cls);
        var tip = svgEl('title', {});
        var words = (D.nodeTerms[ch.key] || []).slice(0, 5).map(function (w) { return D.vocab[w[0]]; }).join(', ');
        tip.textContent = nodeName(ch) + '\n' + plural(ch.docs.length, 'document') + '\n' + words;
        p.appendChild(tip);
        p.addEventListener('click', function (e) { e.stopPropagation(); go(ch); });
        gArcs.appendChild(p);
        var mid = (a + b) / 2, rm = (r0 + r1) / 2;
        if ((b - a) * rm > 22 && ring > 18) {
          var tx = svgEl('text', { x: (C + rm * Math.sin(mid)).toFixed(1), y: (C - rm * Math.cos(mid)).toFixed(1), 'class': 'lx-arc-label' });
          tx.textContent = String(ch.code);
          gText.appendChild(tx);
        }
        if (ch.children.length) draw(ch, a, b);
      }
      a = b;
    });
  })(focus, 0, 2 * Math.PI);
  var centre = svgEl('g', { 'class': 'lx-centre' + (focus.parent ? ' lx-up' : '') });
  centre.appendChild(svgEl('circle', { cx: C, cy: C, r: R0 - 3 }));
  var l1 = svgEl('text', { x: C, y: C - 8, 'class': 'lx-centre-big', 'data-role': 'centre-name' });
  l1.textContent = focus.parent ? pathOf(focus).map(function (m) { return m.code; }).join('-') : 'All';
  var l2 = svgEl('text', { x: C, y: C + 12, 'class': 'lx-centre-small', 'data-role': 'centre-count' });
  l2.textContent = plural(focus.docs.length, 'doc');
  centre.appendChild(l1);
  centre.appendChild(l2);
  if (focus.parent) {
    var l3 = svgEl('text', { x: C, y: C + 30, 'class': 'lx-centre-small' });
    l3.textContent = '\u2191 zoom out';
    centre.appendChild(l3);
  }
  centre.addEventListener('click', function () { if (focus.parent) go(focus.parent); });
  svg.appendChild(centre);
  // ring captions on the right-hand horizontal radius
  for (var lv = 1; lv <= levels; lv++) {
    var cap = svgEl('text', { x: (C + R0 + (lv - 0.5) * ring).toFixed(1), y: S - 2, 'class': 'lx-ring-cap' });
    cap.textContent = cname(focus.depth + lv - 1);
    svg.appendChild(cap);
  }
}

/* ---------- breadcrumbs ---------- */
function renderCrumbs() {
  var nav = $('crumbs');
  clear(nav);
  [rootNode].concat(pathOf(selected)).forEach(function (n, j) {
    if (j) nav.appendChild(el('span', 'lx-sep', '\u203a'));
    var b = el('button', 'lx-crumb' + (n === selected ? ' lx-current' : ''), n.parent ? cname(n.depth - 1) + '=' + n.code : 'All (' + fmt(N) + ')');
    b.type = 'button';
    b.addEventListener('click', function () { go(n); });
    nav.appendChild(b);
  });
}

/* ---------- the panel ---------- */
function fullId(i, into) {
  var codes = codesOf(i);
  codes.forEach(function (c, t) {
    if (t) into.appendChild(el('span', 'lx-dash', '-'));
    into.appendChild(el('span', t < D.depth ? 'lx-code' : 'lx-code lx-extra', c));
  });
  into.title = codes.map(function (c, t) { return cname(t) + '=' + c; }).join(' ');
}
function docItem(i) {
  var li = el('li', 'lx-doc' + (i === flashDoc ? ' lx-flash' : ''));
  li.setAttribute('data-doc', String(i));
  var head = el('div', 'lx-doc-head');
  var id = el('code', 'lx-id');
  fullId(i, id);
  head.appendChild(id);
  head.appendChild(el('span', 'lx-docid', '#' + D.docs.id[i]));
  // the chosen label key, plus the finest key when it adds something
  var keys = labelKey ? [labelKey] : [];
  var finest = D.labelKeys[D.labelKeys.length - 1];
  if (finest && finest !== labelKey) keys.push(finest);
  keys.forEach(function (k) {
    var v = D.labels[k].idx[i];
    if (v < 0) return;
    var chip = el('span', 'lx-label', D.labels[k].values[v]);
    chip.title = k;
    if (k === labelKey) chip.style.borderColor = labelColour(v);
    head.appendChild(chip);
  });
  li.appendChild(head);
  if (D.docs.title && D.docs.title[i]) li.appendChild(el('div', 'lx-doc-title', D.docs.title[i]));
  li.appendChild(el('div', 'lx-snip', D.docs.text[i]));
  return li;
}
function renderWords(box, key) {
  clear(box);
  var words = D.nodeTerms[key] || [];
  if (!words.length) { box.appendChild(el('span', 'lx-muted', 'no distinctive words')); return; }
  words.forEach(function (w) {
    var chip = el('span', 'lx-word', D.vocab[w[0]]);
    chip.style.setProperty('--w', String(w[1]));
    chip.title = 'score ' + w[1] + ' (100 = best word of this node)';
    box.appendChild(chip);
  });
}
function renderMix() {
  var box = $('mix');
  clear(box);
  if (!labelKey) { box.appendChild(el('span', 'lx-muted', 'This corpus has no labels.')); return; }
  var mix = labelMix(selected, labelKey);
  var total = selected.docs.length;
  var bar = el('div', 'lx-mixbar');
  var legend = el('ul', 'lx-legend');
  mix.forEach(function (m, j) {
    var name = m[0] < 0 ? '(none)' : D.labels[labelKey].values[m[0]];
    var seg = el('span', 'lx-seg');
    seg.style.width = (100 * m[1] / total) + '%';
    seg.style.background = labelColour(m[0]);
    seg.title = name + ': ' + fmt(m[1]);
    bar.appendChild(seg);
    if (j < 8) {
      var li = el('li');
      var sw = el('span', 'lx-swatch');
      sw.style.background = labelColour(m[0]);
      li.appendChild(sw);
      li.appendChild(el('span', 'lx-legend-name', name));
      li.appendChild(el('span', 'lx-legend-n', fmt(m[1]) + ' \u00b7 ' + Math.round(100 * m[1] / total) + '%'));
      legend.appendChild(li);
    }
  });
  if (mix.length > 8) legend.appendChild(el('li', 'lx-muted', '+ ' + (mix.length - 8) + ' more'));
  box.appendChild(bar);
  box.appendChild(legend);
}
function renderChildren() {
  var box = $('children');
  clear(box);
  var kids = selected.children;
  $('children-head').style.display = kids.length ? '' : 'none';
  if (!kids.length) return;
  var tbl = el('table', 'lx-kids');
  var hr = el('tr');
  [cname(selected.depth), 'docs', 'top words'].forEach(function (h) { hr.appendChild(el('th', '', h)); });
  tbl.appendChild(hr);
  var max = Math.max.apply(null, kids.map(function (k) { return k.docs.length; }));
  kids.forEach(function (k) {
    var tr = el('tr', 'lx-kid');
    tr.setAttribute('data-key', k.key);
    var tc = el('td', 'lx-kid-code');
    var sw = el('span', 'lx-swatch');
    sw.style.background = nodeColour(k);
    tc.appendChild(sw);
    tc.appendChild(document.createTextNode(String(k.code)));
    tr.appendChild(tc);
    var tn = el('td', 'lx-kid-n');
    var bar = el('span', 'lx-nbar');
    bar.style.width = Math.max(2, 48 * k.docs.length / max) + 'px';
    tn.appendChild(bar);
    tn.appendChild(document.createTextNode(fmt(k.docs.length)));
    tr.appendChild(tn);
    tr.appendChild(el('td', 'lx-kid-words', (D.nodeTerms[k.key] || []).slice(0, 5).map(function (w) { return D.vocab[w[0]]; }).join(', ')));
    tr.addEventListener('click', function () { go(k); });
    tbl.appendChild(tr);
  });
  box.appendChild(tbl);
}
function renderDocs() {
  var list = $('docs');
  clear(list);
  var docs = selected.docs;
  docs.slice(0, shown).forEach(function (i) { list.appendChild(docItem(i)); });
  $('docs-head').textContent = 'Documents (' + fmt(Math.min(shown, docs.length)) + ' of ' + fmt(docs.length) + ')';
  var more = $('more');
  more.style.display = docs.length > shown ? '' : 'none';
  more.textContent = 'Show ' + Math.min(PAGE, docs.length - shown) + ' more';
  if (flashDoc >= 0) {
    var li = list.querySelector('[data-doc="' + flashDoc + '"]');
    if (li && li.scrollIntoView) li.scrollIntoView({ block: 'nearest' });
  }
}
function renderPanel() {
  $('node-title').textContent = nodeName(selected);
  var share = selected.parent ? ' (' + pct(selected.docs.length / N) + ' of the corpus)' : '';
  var kids = selected.children.length;
  $('node-sub').textContent = plural(selected.docs.length, 'document') + share +
    (kids ? ' \u00b7 ' + kids + ' child code' + (kids > 1 ? 's' : '') + ' at ' + cname(selected.depth) : ' \u00b7 leaf: documents share ' + cname(0) + '\u2013' + cname(D.depth - 1));
  renderWords($('words'), selected.key);
  renderMix();
  renderChildren();
  renderDocs();
}
function render() {
  renderSunburst();
  renderCrumbs();
  renderPanel();
  root.setAttribute('data-selected', selected.key);
  root.setAttribute('data-focus', focus.key);
}

/* ---------- search: TF-IDF approximation of the indexer ---------- */
function b64(s, Ctor) {
  var bin = atob(s);
  var bytes = new Uint8Array(bin.length);
  for (var j = 0; j < bin.length; j++) bytes[j] = bin.charCodeAt(j);
  return new Ctor(bytes.buffer, 0, bytes.length / Ctor.BYTES_PER_ELEMENT);
}
var termId = new Map(D.vocab.map(function (w, j) { return [w, j]; }));
var postings = null; // term → [doc, weight, doc, weight, ...]
function buildPostings() {
  var off = b64(D.search.offsets, Uint32Array), terms = b64(D.search.terms, Uint16Array), ws = b64(D.search.weights, Uint8Array);
  postings = D.vocab.map(function () { return []; });
  for (var d = 0; d < N; d++) {
    for (var p = off[d]; p < off[d + 1]; p++) postings[terms[p]].push(d, ws[p] / 255);
  }
}
function tokenize(text) {
  var m = text.toLowerCase().match(/[a-z0-9]+/g) || [];
  return m.filter(function (w) { return w.length >= 2; });
}
function search(text) {
  if (!postings) buildPostings();
  var tf = new Map();
  tokenize(text).forEach(function (w) { var j = termId.get(w); if (j !== undefined) tf.set(j, (tf.get(j) || 0) + 1); });
  if (!tf.size) return { known: 0, hits: [], path: [] };
  var q = [], norm = 0;
  tf.forEach(function (n, j) { var w = (D.sublinearTf ? 1 + Math.log(n) : n) * D.idf[j]; q.push([j, w]); norm += w * w; });
  norm = Math.sqrt(norm);
  var score = new Float32Array(N), touched = [];
  q.forEach(function (e) {
    var pl = postings[e[0]], wq = e[1] / norm;
    for (var p = 0; p < pl.length; p += 2) {
      if (score[pl[p]] === 0) touched.push(pl[p]);
      score[pl[p]] += wq * pl[p + 1];
    }
  });
  touched.sort(function (a, b) { return score[b] - score[a] || a - b; });
  var hits = touched.slice(0, D.search.topK).map(function (d) { return { doc: d, score: score[d] }; });
  // score-weighted majority path, level by level among the hits that agree so far
  var path = [], shares = [], pool = hits;
  for (var t = 0; t < D.depth && pool.length; t++) {
    var votes = new Map(), total = 0;
    pool.forEach(function (h) { var c = D.docs.codes[h.doc * L + t]; votes.set(c, (votes.get(c) || 0) + h.score); total += h.score; });
    var best = -1, bw = -1;
    votes.forEach(function (w, c) { if (w > bw || (w === bw && c < best)) { best = c; bw = w; } });
    path.push(best);
    shares.push(bw / total);
    pool = pool.filter(function (h) { return D.docs.codes[h.doc * L + t] === best; });
  }
  return { known: tf.size, hits: hits, path: path, shares: shares };
}
function nodeOfPath(path) {
  var n = rootNode;
  for (var j = 0; j < path.length; j++) {
    var k = n.key === '' ? String(path[j]) : n.key + '-' + path[j];
    if (!nodes[k]) break;
    n = nodes[k];
  }
  return n;
}
function renderSearch(text) {
  var pred = $('pred'), list = $('results');
  list.title = 'Best TF-IDF matches: click one to open its node';
  clear(pred);
  clear(list);
  pred.removeAttribute('data-path');
  predicted = null;
  if (text.trim()) {
    var r = search(text);
    if (!r.hits.length) {
      pred.appendChild(el('span', 'lx-muted', r.known ? 'No document matches these words.' : 'None of these words is in the index vocabulary.'));
    } else {
      predicted = r.path;
      pred.setAttribute('data-path', r.path.join('-'));
      pred.appendChild(el('span', 'lx-pred-label', 'Predicted ID path'));
      var btn = el('button', 'lx-pred-path');
      btn.type = 'button';
      r.path.forEach(function (c, t) {
        if (t) btn.appendChild(el('span', 'lx-sep', '\u203a'));
        btn.appendChild(el('span', 'lx-code', cname(t) + '=' + c));
        btn.appendChild(el('span', 'lx-share', Math.round(100 * r.shares[t]) + '%'));
      });
      btn.title = 'Go to this node (percentages: share of the top matches\u2019 score that voted for each code)';
      btn.addEventListener('click', function () { go(nodeOfPath(predicted)); });
      pred.appendChild(btn);
      r.hits.forEach(function (h) {
        var li = el('li', 'lx-hit');
        li.setAttribute('data-doc', String(h.doc));
        var id = el('code', 'lx-id');
        fullId(h.doc, id);
        li.appendChild(id);
        li.appendChild(el('span', 'lx-hit-score', h.score.toFixed(2)));
        li.appendChild(el('span', 'lx-hit-text', (D.docs.title && D.docs.title[h.doc]) || D.docs.text[h.doc]));
        li.addEventListener('click', function () { go(nodeOfPath(codesOf(h.doc).slice(0, D.depth)), { doc: h.doc }); });
        list.appendChild(li);
      });
    }
  }
  root.setAttribute('data-predicted', predicted ? predicted.join('-') : '');
  renderSunburst();
}

/* ---------- wiring ---------- */
var timer = 0;
$('query').addEventListener('input', function (e) {
  clearTimeout(timer);
  var v = e.target.value;
  timer = setTimeout(function () { renderSearch(v); }, 120);
});
$('more').addEventListener('click', function () { shown += PAGE; flashDoc = -1; renderDocs(); });
var colourSel = $('colour');
if (!labelKey) colourSel.querySelector('option[value="label"]').disabled = true;
colourSel.addEventListener('change', function () { colourMode = colourSel.value; renderSunburst(); renderChildren(); });
var keySel = $('label-key');
D.labelKeys.forEach(function (k) { var o = el('option', '', k); o.value = k; if (k === labelKey) o.selected = true; keySel.appendChild(o); });
keySel.style.display = D.labelKeys.length > 1 ? '' : 'none';
keySel.addEventListener('change', function () { labelKey = keySel.value; renderSunburst(); renderPanel(); });
if (D.v !== 1) $('node-sub').textContent = 'Unsupported explorer data version ' + D.v;
render();
root.setAttribute('data-ready', '1');
