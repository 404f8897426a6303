# eval/fig5.gp - Fig. 5 of the paper for every architecture: CPU (the run's own tasks, the host) and
# VM2 -> VM1 RTT against the offered load, received throughput, and the base-load effect.
# Input (made by eval/lib/report.sh): dir.'/plot/fig5-ARCH-b0.dat' = "offered recv sys softirq
# p50 p99 own busy" rows (sys, softirq: tick-sampled, not plotted); dir.'/plot/fig5-bars.dat' = "label recv@93 per base load"; archs, titles, bases.
# Owner: the evaluation.
set terminal pngcairo size 1500,1050 font "sans,10" noenhanced
set output dir.'/fig5.png'
set datafile separator whitespace
set key top left box opaque
set grid
set logscale x
set xrange [8:*]
set multiplot layout 2,2 title "Fig. 5 reproduced: VM2 -> VM1 UDP at offered loads (base load 0 unless noted); ".machine
nA = words(archs)
set xlabel "offered load VM2 -> VM1 (MB/s, log)"
set arrow 1 from 93, graph 0 to 93, graph 1 nohead dt 3 lc "gray40"
set arrow 2 from 75, graph 0 to 75, graph 1 nohead dt 2 lc "gray70"
set label 1 "93 MB/s (paper vSwitch max)" at 95, graph 0.04 left font ",8" tc "gray40"
set label 2 "75 (paper knee)" at 73, graph 0.04 right font ",8" tc "gray60"
# a folder measured before the exact columns existed (exact=0) plots its tick-sampled split
if (!exists("exact")) exact = 1
if (exact) {
  set title "(a) CPU of the run's own tasks, exact (solid); host busy, others' work included (dotted); % of all cores"
  ca = 7; cb = 8; ta = ' own'
} else {
  set title "(a) host CPU, tick-sampled: system (solid) and softirq (dashed), % of all cores"
  ca = 3; cb = 4; ta = ' sys'
}
set ylabel "CPU (%)"
set yrange [0:*]
plot for [i=1:nA] dir.'/plot/fig5-'.word(archs,i).'-b0.dat' using 1:ca with linespoints lw 2 pt 7 ps 0.7 lc i title word(titles,i).ta, \
     for [i=1:nA] dir.'/plot/fig5-'.word(archs,i).'-b0.dat' using 1:cb with linespoints lw 1 dt 3 pt 6 ps 0.6 lc i notitle
set title "(b) VM2 -> VM1 RTT under the load: p50 (solid), p99 (dashed)"
set ylabel "RTT (ms, log)"
set logscale y
set yrange [*:*]
plot for [i=1:nA] dir.'/plot/fig5-'.word(archs,i).'-b0.dat' using 1:5 with linespoints lw 2 pt 7 ps 0.7 lc i title word(titles,i), \
     for [i=1:nA] dir.'/plot/fig5-'.word(archs,i).'-b0.dat' using 1:6 with linespoints lw 1 dt 2 pt 6 ps 0.6 lc i notitle
set title "(c) received vs offered (the last point of each line is saturation, iperf3 -b 0)"
set ylabel "received by VM1 (MB/s, log)"
unset label 1
unset label 2
set label 3 "125 MB/s = 1 Gbit/s port" at 10, 140 left font ",8" tc "gray40"
set yrange [5:*]
plot for [i=1:nA] dir.'/plot/fig5-'.word(archs,i).'-b0.dat' using 1:2 with linespoints lw 2 pt 7 ps 0.7 lc i title word(titles,i), \
     125 with lines dt 3 lc "gray40" notitle
unset label 3
unset arrow 1
unset arrow 2
unset logscale
set autoscale x
set title "(d) base load on VM1's vCPU: received at 93 MB/s offered"
set ylabel "received by VM1 (MB/s)"
set xlabel ""
set yrange [0:119]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -15
set key top right
nB = words(bases)
plot for [j=1:nB] dir.'/plot/fig5-bars.dat' using (column(j+1)):xtic(1) title 'base load '.word(bases,j).'% of a CPU'
unset multiplot
