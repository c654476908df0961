# SPDX-License-Identifier: GPL-2.0
#
# The chart of dmabuf_bench's CSV (scripts/bench.sh runs it):
#
#   gnuplot -e "csv='bench.csv'; png='bench.png'; subtitle='...'" bench/bench.gp
#
# Top: median time of each row per exporter (log scale), the whiskers
# from the first to the third quartile; the memset floor of the same size
# beside the allocate rows.  Bottom: ours / the best peer, per row (below 1 is
# better).  Columns: see the header line of the CSV.

if (!exists("csv")) csv = 'bench/bench.csv'
if (!exists("png")) png = 'bench/bench.png'
if (!exists("subtitle")) subtitle = ''

if (strstrt(GPVAL_TERMINALS, "pngcairo") > 0) {
	set terminal pngcairo size 1600,1000 font "sans,10"
} else {
	set terminal png size 1600,1000
}
set output png
set termoption noenhanced
set datafile separator ','
set key autotitle columnheader

set multiplot layout 2,1 title "dma-buf exporters: ours vs the system heap and udmabuf\n".subtitle

set lmargin 10
set rmargin 2
set style data histogram
set style histogram errorbars gap 1 lw 1
set style fill solid 0.8 border -1
set boxwidth 0.9
set logscale y
set format y "%g"
set grid ytics
set ylabel "median time, µs (whiskers: quartiles)"
set xtics rotate by -35 left font ",9"
set key outside top center horizontal
set size 1,0.58
set origin 0,0.36
us(c) = column(c) / 1000.0
alloc = 'strcol(1) eq "alloc_free" || strcol(1) eq "alloc_touch"'
fl(c) = @alloc ? us(c) : NaN
plot csv using (us(6)):(us(8)):(us(9)):xtic(3) title "ours" lc rgb "#1f77b4", \
     ''  using (us(11)):(us(13)):(us(14)) title "system heap" lc rgb "#ff7f0e", \
     ''  using (us(16)):(us(18)):(us(19)) title "udmabuf" lc rgb "#2ca02c", \
     ''  using (fl(21)):(fl(23)):(fl(24)) title "memset floor" lc rgb "#7f7f7f"

set size 1,0.34
set origin 0,0
set style histogram clustered gap 1
set ylabel "ours / best peer"
set yrange [0.1:*]
set key top left
unset xtics
set xtics rotate by -35 left font ",9"
plot csv using 26:xtic(3) title "ours / best peer (median; < 1 is faster)" lc rgb "#1f77b4", \
     1 with lines lw 2 lc rgb "#d62728" title "1.0"
unset multiplot
