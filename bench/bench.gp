# SPDX-License-Identifier: GPL-2.0
#
# The chart of make bench's combined CSV (scripts/bench-report.py writes
# it, scripts/bench.sh runs this):
#
#   gnuplot -e "csv='bench.csv'; png='bench.png'; subtitle='...'" bench/bench.gp
#
# Top: the median time of each row per exporter (log scale; a gap where
# an exporter does not do the row's job) and the memset floor of the same
# size.  Bottom: ours / the best peer per row (below 1 is faster), the
# whiskers from the lowest to the highest ratio of the boots.  Columns:
# see the header line of the CSV.

if (!exists("csv")) csv = 'bench/bench.csv'
if (!exists("png")) png = 'bench/bench.png'
if (!exists("subtitle")) subtitle = ''

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 2400,1200 font "sans,10"
} else {
	set terminal png size 2400,1200
}
set output png
set termoption noenhanced
set datafile separator ','
set datafile missing 'NaN'
set datafile columnheaders

set multiplot layout 2,1 title "dma-buf exporters: ours vs every in-tree peer doing the same job\n".subtitle

set lmargin 10
set rmargin 2
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set format y "%g"
set grid ytics
set ylabel "median time, µs"
set xtics rotate by -40 left font ",8"
set key outside top center horizontal
set size 1,0.58
set origin 0,0.36
us(c) = column(c) / 1000.0
plot csv using (us(6)):xtic(4) title "ours" lc rgb "#1f77b4", \
     ''  using (us(7)) title "system heap" lc rgb "#ff7f0e", \
     ''  using (us(8)) title "udmabuf (shmem)" lc rgb "#2ca02c", \
     ''  using (us(9)) title "udmabuf (hugetlb)" lc rgb "#98df8a", \
     ''  using (us(10)) title "vgem" lc rgb "#9467bd", \
     ''  using (us(11)) title "CMA heap" lc rgb "#8c564b", \
     ''  using (us(12)) title "memset floor" lc rgb "#7f7f7f"

set size 1,0.34
set origin 0,0
set style histogram errorbars gap 1 lw 1
set ylabel "ours / best peer"
set yrange [0.001:*]
set key top left
set xtics rotate by -40 left font ",8"
plot csv using 15:17:18:xtic(4) title "ours / best peer (median of the boots, whiskers: lowest and highest boot; < 1 is faster)" lc rgb "#1f77b4", \
     1 with lines lw 2 lc rgb "#d62728" title "1.0"
unset multiplot
