package main

import (
	"bufio"
	"fmt"
	"io"
	"os"
	"time"

	"github.com/comanda/comanda/replay"
	"github.com/spf13/cobra"
)

func newExportCmd(stdout, stderr io.Writer) *cobra.Command {
	var format, out string
	var canonical bool
	var at int64
	cmd := &cobra.Command{
		Use:   "export TRACE --format csv|json|jsonl|perfetto [-o FILE]",
		Short: "Write a trace as CSV or JSON (the original's), JSON Lines, or Chrome trace events",
		Long: `Export a trace.

  --format csv       the original's spreadsheet: parameters, statistics, orders
  --format json      the original's JSON: parametros, estatisticas, pedidos
  --format jsonl     one JSON object per event (--canonical: without PIDs,
                     wall-clock times and run ids, so that two stepped runs of
                     one scenario and seed give identical files)
  --format perfetto  Chrome trace events: open the file in ui.perfetto.dev

csv and json show the orders as the end of the run left them (--at N: after
step N).`,
		Args: cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			switch format {
			case "csv", "json", "jsonl", "perfetto":
			case "":
				return badInput(fmt.Errorf("--format is required: csv, json, jsonl or perfetto"))
			default:
				return badInput(fmt.Errorf("--format %q: expected csv, json, jsonl or perfetto", format))
			}
			if canonical && format != "jsonl" {
				return badInput(fmt.Errorf("--canonical goes with --format jsonl"))
			}
			rep, err := openTrace(args[0], stderr)
			if err != nil {
				return err
			}
			w := stdout
			var f *os.File
			if out != "" && out != "-" {
				if f, err = os.Create(out); err != nil {
					return badInput(err)
				}
				defer f.Close()
				w = f
			}
			bw := bufio.NewWriter(w)
			if err := exportTo(bw, rep, format, canonical, cmd.Flags().Changed("at"), at); err != nil {
				return &exitError{code: 1, err: err}
			}
			if err := bw.Flush(); err != nil {
				return &exitError{code: 1, err: err}
			}
			if f != nil {
				return f.Close()
			}
			return nil
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&format, "format", "", "csv, json, jsonl or perfetto")
	fl.StringVarP(&out, "output", "o", "", "write to FILE instead of standard output")
	fl.BoolVar(&canonical, "canonical", false, "jsonl without PIDs, wall-clock times and run ids")
	fl.Int64Var(&at, "at", 0, "csv and json: the orders after step N")
	return cmd
}

func exportTo(w io.Writer, rep *replay.Replay, format string, canonical, hasAt bool, at int64) error {
	switch format {
	case "jsonl":
		return rep.WriteJSONL(w, canonical)
	case "perfetto":
		return rep.WritePerfetto(w)
	}
	s := rep.At(rep.Len())
	if hasAt {
		s = rep.AtStep(uint64(max(at, 0)))
	}
	cfg := rep.Config()
	p := replay.ExportParams{Producers: cfg.Producers, Consumers: cfg.Consumers, Duration: cfg.Duration, Now: time.Now()}
	if format == "csv" {
		return replay.WriteOriginalCSV(w, s, p)
	}
	return replay.WriteOriginalJSON(w, s, p)
}
