# bench/scale/sweep.gp - capacity against the number of VMs (bench/scale/run --only sweep):
# (a) Mpps of 64-byte frames, every frame to a random peer, per datapath (median of the runs,
# min-max as error bars); (b) each datapath's ratio to the Linux bridge at the same N (median of
# the per-run ratios, min-max). Input (made by bench/scale/nsw_sweep.py): dir.'/sweep-DP.dat' =
# "vms mpps min max ratio ratio_min ratio_max"; dps, titles, machine, out.
# Owner: whoever owns bench/.
set terminal pngcairo size 1400,560 font "sans,10" noenhanced
set output out
set datafile separator whitespace
set datafile missing "NaN"
set grid
set logscale x 2
set xrange [1.5:*]
set xlabel "VMs on 2 PFs (each frame to a random other VM; log2)"
nD = words(dps)
set multiplot layout 1,2 title "Capacity against the number of VMs, 64-byte frames, one core; ".machine
set title "(a) capacity (Mpps, median of runs; bars min-max)"
set ylabel "Mpps forwarded"
set yrange [0:*]
set key top right box opaque
plot for [i=1:nD] dir.'/sweep-'.word(dps,i).'.dat' using 1:2:3:4 with yerrorlines lw 2 pt 7 ps 0.8 lc i title word(titles,i)
set title "(b) ratio to the Linux bridge at the same N (median of per-run ratios)"
set ylabel "x bridge"
set yrange [0:*]
plot for [i=2:nD] dir.'/sweep-'.word(dps,i).'.dat' using 1:5:6:7 with yerrorlines lw 2 pt 7 ps 0.8 lc i title word(titles,i), \
     1 with lines dt 3 lc "gray40" title "bridge = 1", \
     1.8 with lines dt 2 lc "dark-red" title "target 1.8x (64 VMs)"
unset multiplot
