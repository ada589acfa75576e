# SPDX-License-Identifier: GPL-2.0
# make bench-kernel's chart: gnuplot -e "dat='X.dat'; png='X.png'" bench/kernel-chart.gp
# X.dat (bench/kernel-report.py): flows, then the instructions (b) nftables
# + conntrack and (c) gatewarden add to a forwarded packet, IPv4 and IPv6.
set terminal pngcairo size 800,480 font ",10"
set output png
set title "Instructions a forwarded packet costs over no firewall (established UDP flows)"
set xlabel "flows"
set ylabel "instructions added a packet"
set logscale x 2
set xrange [700:100000]
set xtics ("1 000" 1000, "4 096" 4096, "16 384" 16384, "65 536" 65536)
set yrange [0:*]
set key bottom right box opaque
set grid ytics
plot dat using 1:2 with linespoints lw 2 pt 7 title "nftables + conntrack, IPv4", \
     dat using 1:3 with linespoints lw 2 pt 5 title "gatewarden, IPv4", \
     dat using 1:4 with linespoints lw 2 pt 6 dt 2 title "nftables + conntrack, IPv6", \
     dat using 1:5 with linespoints lw 2 pt 4 dt 2 title "gatewarden, IPv6"
