# eval/max.gp - the maximum VM2 -> VM1 throughput of every path: TCP (median of repetitions)
# and UDP at saturation (received), against the paper's vSwitch maximum and the port.
# Input: dir.'/plot/max-bars.dat' = "label tcp udp" ("nan" where not measured); udp=0 when no
# architecture has a UDP figure (Fig. 5 not run): gnuplot refuses a histogram column with no
# valid point.  Owner: the evaluation.
set terminal pngcairo size 1000,560 font "sans,10" noenhanced
set output dir.'/max.png'
set grid y
set title "Maximum VM2 -> VM1 throughput; ".machine
set ylabel "MB/s (log)"
set logscale y
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set xtics rotate by -15
set key top right box opaque
if (!exists("udp")) udp = 1
if (udp) {
  plot dir.'/plot/max-bars.dat' using 2:xtic(1) title "TCP (median)", '' using 3 title "UDP at saturation, received", \
       93 with lines dt 2 lw 2 lc "red" title "paper vSwitch max 93 MB/s", \
       125 with lines dt 3 lw 2 lc "gray30" title "1 Gbit/s port = 125 MB/s"
} else {
  plot dir.'/plot/max-bars.dat' using 2:xtic(1) title "TCP (median)", \
       93 with lines dt 2 lw 2 lc "red" title "paper vSwitch max 93 MB/s", \
       125 with lines dt 3 lw 2 lc "gray30" title "1 Gbit/s port = 125 MB/s"
}
