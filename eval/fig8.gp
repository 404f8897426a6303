# eval/fig8.gp - Fig. 8 of the paper for every architecture: VM2 -> VM1 RTT distribution at low
# load (CDF of every sample of every repetition) and p50 / p99 (median over repetitions), with a
# ping every iv1 s (the CPU sleeps between pings) and every iv2 s (ping busy-polls).
# Input: dir.'/plot/fig8-ARCH-IV.cdf' = "rtt_ms fraction";
#        dir.'/plot/fig8-bars.dat' = "label p50@iv1 p99@iv1 p50@iv2 p99@iv2".
# Owner: the evaluation.
set terminal pngcairo size 1500,600 font "sans,10" noenhanced
set output dir.'/fig8.png'
set grid
nA = words(archs)
set multiplot layout 1,2 title "Fig. 8 reproduced: VM2 -> VM1 ping RTT at low load; ".machine
set title "(a) RTT distribution (CDF): ping every ".iv1." s (solid), every ".iv2." s, CPU busy-polling (dashed)"
set xlabel "RTT (ms, log)"
set ylabel "fraction of pings"
set logscale x
set yrange [0:1]
set key bottom right box opaque
set arrow 1 from 0.009, graph 0 to 0.009, graph 1 nohead dt 3 lc "gray40"
set label 1 "paper nSwitch 0.009 ms" at 0.0093, graph 0.5 left font ",8" tc "gray40"
plot for [i=1:nA] dir.'/plot/fig8-'.word(archs,i).'-'.iv1.'.cdf' using 1:2 with lines lw 2 lc i title word(titles,i), \
     for [i=1:nA] dir.'/plot/fig8-'.word(archs,i).'-'.iv2.'.cdf' using 1:2 with lines lw 2 dt 2 lc i notitle
unset arrow 1
unset label 1
unset logscale x
set autoscale x
set title "(b) p50 and p99 (median of the repetitions), log"
set xlabel ""
set ylabel "RTT (ms)"
set logscale y
set yrange [*:*]
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -15
set key top left
plot dir.'/plot/fig8-bars.dat' using 2:xtic(1) title "p50, ping every ".iv1." s", '' using 3 title "p99, every ".iv1." s", \
     '' using 4 title "p50, every ".iv2." s (busy)", '' using 5 title "p99, every ".iv2." s (busy)", \
     0.009 with lines dt 3 lc "gray40" title "paper nSwitch 0.009 ms"
unset multiplot
