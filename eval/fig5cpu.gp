# eval/fig5cpu.gp - Fig. 5 by the switch's own CPU and the load's own latency (experiment swcpu):
# switching CPU and its cost per frame against the offered load, beside the simulator's hardware
# nSwitch, its vSwitch prediction and the paper's Fig. 5a as fitted; the load's one-way delay;
# received against offered.
# Input (made by eval/lib/report_swcpu.sh): dir.'/plot/swcpu-ARCH.dat' = "offered recv sw%core
# ns/frame ns/byte p50 p99 loss max" rows; dir.'/plot/swcpu-sim.dat' = "offered hw_switch%
# hw_drivers% vsw_switch% paper_fit_switch%" (when sim=1); archs, titles, machine.
# Owner: the evaluation.
set terminal pngcairo size 1500,1050 font "sans,10" noenhanced
set output dir.'/fig5cpu.png'
set datafile separator whitespace
set key top left box opaque font ",8"
set grid
set logscale x
set xrange [8:*]
nA = words(archs)
set multiplot layout 2,2 title "Fig. 5 by the switch's own CPU (nsw_swcpu) and the load's one-way delay (nsw_udplat); ".machine
set xlabel "offered load VM2 -> VM1 (MB/s of UDP payload, log; the last point of a line is unpaced)"
set arrow 1 from 93, graph 0 to 93, graph 1 nohead dt 3 lc "gray40"
set arrow 2 from 75, graph 0 to 75, graph 1 nohead dt 2 lc "gray70"
set title "(a) switching CPU, % of one core (measured; simulator and paper dashed)"
set ylabel "switching CPU (% of one core, log)"
set logscale y
set yrange [0.01:*]
set key bottom right
if (sim) {
	plot for [i=1:nA] dir.'/plot/swcpu-'.word(archs,i).'.dat' using 1:($3 > 0 ? $3 : 0.01) with linespoints lw 2 pt 7 ps 0.7 lc i title word(titles,i), \
	     dir.'/plot/swcpu-sim.dat' using 1:($2 > 0 ? $2 : 0.01) with lines lw 2 dt 2 lc "black" title "sim: hardware nSwitch, switching (0: floor of the plot)", \
	     dir.'/plot/swcpu-sim.dat' using 1:3 with lines lw 1 dt 3 lc "black" title "sim: hardware nSwitch, VM drivers+interrupts (every design pays)", \
	     dir.'/plot/swcpu-sim.dat' using 1:4 with lines lw 1 dt 2 lc "gray50" title "sim: vSwitch priced by the datapath benchmark", \
	     dir.'/plot/swcpu-sim.dat' using 1:5 with lines lw 2 dt 4 lc "dark-red" title "paper Fig. 5a (Xen + OVS) as fitted, 4 CPUs"
} else {
	plot for [i=1:nA] dir.'/plot/swcpu-'.word(archs,i).'.dat' using 1:($3 > 0 ? $3 : 0.01) with linespoints lw 2 pt 7 ps 0.7 lc i title word(titles,i)
}
set key top left
set title "(b) switching CPU per frame (ns; 1442-octet frames)"
set ylabel "ns per frame (log)"
set yrange [*:*]
plot for [i=1:nA] dir.'/plot/swcpu-'.word(archs,i).'.dat' using 1:($4 > 0 ? $4 : 1/0) with linespoints lw 2 pt 7 ps 0.7 lc i title word(titles,i)
set title "(c) one-way delay of the load itself: p50 (solid), p99 (dashed)"
set ylabel "one-way delay (us, log)"
plot for [i=1:nA] dir.'/plot/swcpu-'.word(archs,i).'.dat' using 1:($6 > 0 ? $6 : 1/0) with linespoints lw 2 pt 7 ps 0.7 lc i title word(titles,i), \
     for [i=1:nA] dir.'/plot/swcpu-'.word(archs,i).'.dat' using 1:($7 > 0 ? $7 : 1/0) with linespoints lw 1 dt 2 pt 6 ps 0.6 lc i notitle
set title "(d) received vs offered: the receiver keeps up until its line leaves the diagonal"
set ylabel "received by VM1 (MB/s, log)"
set yrange [5:*]
plot for [i=1:nA] dir.'/plot/swcpu-'.word(archs,i).'.dat' using 1:2 with linespoints lw 2 pt 7 ps 0.7 lc i title word(titles,i), \
     x with lines dt 3 lc "gray40" title "received = offered"
unset multiplot
