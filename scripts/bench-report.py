#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""bench-report.py OUT.csv RUN1.csv [RUN2.csv ...]

The report of make bench (scripts/bench.sh): dmabuf_bench's CSVs of one
or more boots in, the combined CSV out (OUT.csv, for bench/bench.gp), and
on stdout the table and the targets of issue 17.

Per row and exporter, the median is the median of the boots' medians and
the IQR the largest of the boots' (q3 - q1) / median.  The best peer of a
row is the peer of the row's kind with the lowest median; a ratio is
ours / that peer (or / the memset floor) in one boot, and the row's ratio
is the median of the boots' ratios.  The spread of a ratio is how far the
boots' ratios reach from that median: max |r - median| / median.
"""
import csv
import math
import statistics
import sys

OURS = {'cached': 'ours', 'contiguous': 'ours-contig', 'wc': 'ours-wc'}
PEERS = {
    'cached': ['system', 'udmabuf', 'udmabuf-huge', 'vgem'],
    'contiguous': ['cma'],
    'wc': ['vgem'],
}
COLUMNS = ['ours', 'system', 'udmabuf', 'udmabuf-huge', 'vgem', 'cma']
# Timed but not the same job, shown with a "*", never the best peer:
# vgem allocates a dumb buffer's pages when they are first used
# (drm_gem_shmem_get_pages()), so its alloc_free allocates none; and it
# has no begin/end_cpu_access, so its SYNC syncs no importer's mapping
# (the core only waits for the fences), where ours and the heaps sync
# every one.
NOT_SAME_JOB = {
    ('vgem', 'alloc_free'): 'vgem allocates its pages on first use',
    ('vgem', 'sync'): 'vgem has no begin/end_cpu_access, so its SYNC syncs no mapping',
}
# The spread that a ratio must stay within over the boots (issue 17: 5 %)
SPREAD_LIMIT = 0.05


def num(s):
    try:
        v = float(s)
    except ValueError:
        return math.nan
    return v


def load(path):
    with open(path, newline='') as f:
        return list(csv.DictReader(f))


def csv_num(v, f='.4f'):
    return 'NaN' if math.isnan(v) else format(v, f)


def fmt_time(ns):
    if math.isnan(ns):
        return 'n/a'
    for div, unit in ((1e9, 's'), (1e6, 'ms'), (1e3, 'us')):
        if ns >= div:
            return f'{ns / div:.3g}{unit}'
    return f'{ns:.0f}ns'


def fmt_ratio(r):
    return 'n/a' if math.isnan(r) else f'{r:.3g}x'


def fmt_pct(p):
    return 'n/a' if math.isnan(p) else f'{100 * p:.1f}%'


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    out, runs = sys.argv[1], [load(p) for p in sys.argv[2:]]
    keys = [(r['kind'], r['case'], r['size_bytes']) for r in runs[0]]
    by_key = [{(r['kind'], r['case'], r['size_bytes']): r for r in run}
              for run in runs]
    rows = []
    for key in keys:
        kind = key[0]
        samples = [b[key] for b in by_key if key in b]
        ours = OURS[kind]
        row = {'kind': kind, 'case': key[1], 'size_bytes': int(key[2]),
               'label': samples[0]['label'], 'runs': len(samples)}

        def med(name):
            v = [num(s[f'{name}_median_ns']) for s in samples]
            v = [x for x in v if not math.isnan(x)]
            return statistics.median(v) if len(v) == len(samples) else math.nan

        for name in [ours] + PEERS[kind] + ['floor']:
            row[name] = med(name)
        iqrs = [(num(s[f'{ours}_q3_ns']) - num(s[f'{ours}_q1_ns'])) /
                num(s[f'{ours}_median_ns']) for s in samples]
        row['ours_iqr'] = max(iqrs)
        # The best peer: lowest median over the boots
        peers = [p for p in PEERS[kind] if not math.isnan(row[p]) and
                 (p, key[1]) not in NOT_SAME_JOB]
        best = min(peers, key=lambda p: row[p]) if peers else None
        row['best_peer'] = best or ''
        for what, col in (('peer', best), ('floor', 'floor')):
            rs = [num(s[f'{ours}_median_ns']) / num(s[f'{col}_median_ns'])
                  for s in samples] if col else [math.nan]
            rs = [r for r in rs if not math.isnan(r)]
            r = statistics.median(rs) if rs else math.nan
            row[f'ours_per_{what}'] = r
            row[f'ours_per_{what}_runs'] = rs
            # One boot has no spread
            row[f'ours_per_{what}_spread'] = (
                max(abs(x - r) / r for x in rs) if len(rs) > 1 else math.nan)
        rows.append(row)

    names = COLUMNS
    with open(out, 'w', newline='') as f:
        w = csv.writer(f, lineterminator='\n')
        w.writerow(['kind', 'case', 'size_bytes', 'label', 'runs'] +
                   [f'{n}_median_ns' for n in names] +
                   ['floor_median_ns', 'ours_iqr', 'best_peer',
                    'ours_per_best_peer', 'ours_per_best_peer_spread',
                    'ours_per_best_peer_min', 'ours_per_best_peer_max',
                    'ours_per_floor', 'ours_per_floor_spread'])
        for row in rows:
            ours = OURS[row['kind']]
            vals = [row.get(ours if n == 'ours' else n, math.nan)
                    if n == 'ours' or n in PEERS[row['kind']] else math.nan
                    for n in names]
            rp = row['ours_per_peer_runs']
            w.writerow([row['kind'], row['case'], row['size_bytes'],
                        row['label'], row['runs']] +
                       [csv_num(v, '.0f') for v in vals] +
                       [csv_num(row['floor'], '.0f'),
                        csv_num(row['ours_iqr']), row['best_peer'],
                        csv_num(row['ours_per_peer']),
                        csv_num(row['ours_per_peer_spread']),
                        csv_num(min(rp)) if rp else 'NaN',
                        csv_num(max(rp)) if rp else 'NaN',
                        csv_num(row['ours_per_floor']),
                        csv_num(row['ours_per_floor_spread'])])

    print(f'{len(runs)} boot(s); medians of the boots\' medians; ours IQR: '
          'the largest (q3 - q1) / median; spread: max |ratio - median '
          'ratio| / median ratio over the boots')
    hdr = (f'{"row":<26}' + ''.join(f'{n:>13}' for n in names) +
           f'{"floor":>10}{"ours IQR":>9}{"best peer":>13}{"ours/peer":>10}'
           f'{"spread":>8}{"ours/floor":>11}')
    print(hdr)
    for row in rows:
        ours = OURS[row['kind']]
        cells = []
        for n in names:
            if n == 'ours':
                cells.append(fmt_time(row[ours]))
            elif n in PEERS[row['kind']]:
                star = '*' if (n, row['case']) in NOT_SAME_JOB else ''
                cells.append(fmt_time(row[n]) + star)
            else:
                cells.append('')
        print(f'{row["label"]:<26}' + ''.join(f'{c:>13}' for c in cells) +
              f'{fmt_time(row["floor"]):>10}{fmt_pct(row["ours_iqr"]):>9}'
              f'{row["best_peer"]:>13}{fmt_ratio(row["ours_per_peer"]):>10}'
              f'{fmt_pct(row["ours_per_peer_spread"]):>8}'
              f'{fmt_ratio(row["ours_per_floor"]):>11}')

    for (peer, case), why in NOT_SAME_JOB.items():
        if any(case == r['case'] and peer in PEERS[r['kind']] for r in rows):
            print(f'*: {peer} {case}: not the same job ({why}), never the'
                  ' best peer')
    # The targets of issue 17
    rated = [r for r in rows if not math.isnan(r['ours_per_peer'])]
    missed = [r for r in rated if r['ours_per_peer'] > 1.0]
    print(f'target: ours <= 1.0x the best peer on every row: '
          f'{"MISSED" if missed else "met"} on '
          f'{len(missed) if missed else len(rated)} of {len(rated)} rows')
    for r in missed:
        print(f'  missed: {r["label"]}: {r["ours_per_peer"]:.3f}x '
              f'{r["best_peer"]} ({100 * (r["ours_per_peer"] - 1):.1f}% slower)')
    touch = [r for r in rows if r['kind'] == 'cached' and
             r['case'] == 'alloc_touch' and r['size_bytes'] >= 1 << 20]
    bad = [r for r in touch if not r['ours_per_floor'] <= 1.1]
    each = ', '.join(r['label'] + ' ' + fmt_ratio(r['ours_per_floor'])
                     for r in touch)
    print(f'target: alloc_touch >= 1M <= 1.1x the memset floor: '
          f'{"MISSED" if bad else "met"} ({each})')
    af = [r for r in rows if r['kind'] == 'cached' and
          r['case'] == 'alloc_free' and r['size_bytes'] == 4096]
    if af and not math.isnan(af[0]['system']):
        q = af[0]['ours'] / af[0]['system']
        print(f'target: alloc_free 4K <= 1.0x the system heap: '
              f'{"met" if q <= 1.0 else "MISSED"} ({q:.3f}x)')
    if len(runs) > 1:
        spreads = [r['ours_per_peer_spread'] for r in rated]
        wide = [r for r in rated if r['ours_per_peer_spread'] > SPREAD_LIMIT]
        print(f'target: every ratio within +-{100 * SPREAD_LIMIT:.0f}% over '
              f'the {len(runs)} boots: {"MISSED" if wide else "met"} '
              f'(largest spread {100 * max(spreads):.1f}%)')
        for r in wide:
            each = ', '.join(f'{x:.3f}' for x in r['ours_per_peer_runs'])
            print(f'  spread: {r["label"]}: {each}')


if __name__ == '__main__':
    main()
