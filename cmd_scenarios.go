package main

import (
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/comanda/comanda/scenarios"
	"github.com/spf13/cobra"
)

func newScenariosCmd(stdout io.Writer) *cobra.Command {
	var lang string
	cmd := &cobra.Command{
		Use:   "scenarios [show NAME]",
		Short: "List the bundled scenarios, or print one to copy",
		Long: `List the bundled scenarios: each name, and the first line of its
description in the chosen language. 'comanda scenarios show NAME' prints one
file, ready to copy and edit; 'comanda check NAME' grades it.`,
		Args: cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			l, err := chooseLang(lang)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			for _, name := range scenarios.Bundled() {
				s, err := scenarios.LoadBundled(name)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\n", name, firstLine(s.Description.In(string(l))))
			}
			return tw.Flush()
		},
	}
	cmd.Flags().StringVar(&lang, "lang", "", "en or pt-BR (default: from LANG)")
	show := &cobra.Command{
		Use:   "show NAME",
		Short: "Print a bundled scenario file, ready to copy and edit",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, ok := scenarios.BundledSource(args[0])
			if !ok {
				_, err := scenarios.LoadBundled(args[0])
				return badInput(err)
			}
			_, err := stdout.Write(src)
			return err
		},
	}
	cmd.AddCommand(show)
	return cmd
}

// firstLine returns the first line of s.
func firstLine(s string) string {
	for i, c := range s {
		if c == '\n' {
			return s[:i]
		}
	}
	return s
}
