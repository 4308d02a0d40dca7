package main

import (
	"fmt"
	"io"
	"os"
	"text/tabwriter"

	"github.com/comanda/comanda/scenarios"
	"github.com/spf13/cobra"
)

func newScenariosCmd(stdout io.Writer) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "scenarios [show NAME]",
		Short: "List the bundled scenarios, or print one to copy",
		Args:  cobra.NoArgs,
		RunE: func(cmd *cobra.Command, args []string) error {
			tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
			for _, name := range scenarios.Bundled() {
				s, err := scenarios.LoadBundled(name)
				if err != nil {
					return err
				}
				fmt.Fprintf(tw, "%s\t%s\n", name, firstLine(s.Description.In(langFromEnv())))
			}
			return tw.Flush()
		},
	}
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

// langFromEnv returns the interface language from LANG ("pt-BR" or "en").
func langFromEnv() string {
	for _, v := range []string{"LC_ALL", "LC_MESSAGES", "LANG"} {
		if l := os.Getenv(v); l != "" {
			if len(l) >= 2 && l[:2] == "pt" {
				return "pt-BR"
			}
			return "en"
		}
	}
	return "en"
}
