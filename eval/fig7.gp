# eval/fig7.gp - Fig. 7 of the paper for every architecture: VM3 -> VM1 TCP throughput while
# VM2 ramps UDP to the external host over the same 1 Gbit/s port.
# Input: dir.'/plot/fig7-ARCH.dat' = "ext_offered ext_recv vm_vm port" rows; archs, titles.
# Owner: the evaluation.
set terminal pngcairo size 1500,560 font "sans,10" noenhanced
set output dir.'/fig7.png'
set grid
set key box opaque
nA = words(archs)
set multiplot layout 1,2 title "Fig. 7 reproduced: VM3 -> VM1 (TCP) while VM2 -> external host (UDP) ramps; ".machine
set xlabel "VM2 -> external offered (MB/s)"
set title "(a) VM3 -> VM1 throughput (log)"
set ylabel "MB/s"
set logscale y
set key bottom left
plot for [i=1:nA] dir.'/plot/fig7-'.word(archs,i).'.dat' using 1:3 with linespoints lw 2 pt 7 lc i title word(titles,i), \
     125 with lines dt 3 lc "gray40" title "1 Gbit/s port (125 MB/s)"
unset logscale y
set title "(b) VM2 -> external received (solid) and the port's load, both directions (dashed)"
set yrange [0:*]
set key top left
plot for [i=1:nA] dir.'/plot/fig7-'.word(archs,i).'.dat' using 1:2 with linespoints lw 2 pt 7 lc i title word(titles,i), \
     for [i=1:nA] dir.'/plot/fig7-'.word(archs,i).'.dat' using 1:4 with linespoints lw 1 dt 2 pt 6 lc i notitle, \
     125 with lines dt 3 lc "gray40" title "125 MB/s"
unset multiplot
