package scenarios

import (
	"embed"
	"fmt"
	"io/fs"
	"os"
	"path"
	"sort"
	"strings"
)

// bundledFiles holds the scenarios that come with the program. To add one,
// drop a .toml file in the bundled directory.
//
//go:embed bundled/*.toml
var bundledFiles embed.FS

// Bundled returns the names of the scenarios that come with the program,
// sorted.
func Bundled() []string {
	entries, err := fs.ReadDir(bundledFiles, "bundled")
	if err != nil {
		return nil
	}
	var names []string
	for _, e := range entries {
		if name, ok := strings.CutSuffix(e.Name(), ".toml"); ok && !e.IsDir() {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	return names
}

// BundledSource returns the bytes of the bundled scenario called name, for
// showing or copying it.
func BundledSource(name string) ([]byte, bool) {
	if name == "" || strings.ContainsAny(name, `/\.`) {
		return nil, false
	}
	src, err := bundledFiles.ReadFile(path.Join("bundled", name+".toml"))
	return src, err == nil
}

// LoadBundled parses the bundled scenario called name. When there is none,
// the error wraps ErrUnknownScenario and suggests a name.
func LoadBundled(name string) (*Scenario, error) {
	src, ok := BundledSource(name)
	if !ok {
		names := Bundled()
		return nil, fmt.Errorf("%w %q%s; the bundled scenarios are: %s (to load a file, give its path ending in .toml)",
			ErrUnknownScenario, name, didYouMean(Suggest(name, names)), strings.Join(names, ", "))
	}
	return Parse(name, src)
}

// Load reads a scenario file, or a bundled scenario. nameOrPath is a path
// when it ends in .toml, contains a path separator or names an existing
// file; otherwise it is the name of a bundled scenario. A file that cannot
// be read gives the error of the operating system, not an ErrorList.
func Load(nameOrPath string) (*Scenario, error) {
	if isPath(nameOrPath) {
		src, err := os.ReadFile(nameOrPath)
		if err != nil {
			return nil, err
		}
		return Parse(nameOrPath, src)
	}
	return LoadBundled(nameOrPath)
}

// isPath reports whether Load should read s from the disk.
func isPath(s string) bool {
	if strings.HasSuffix(s, ".toml") || strings.ContainsRune(s, '/') || strings.ContainsRune(s, os.PathSeparator) {
		return true
	}
	info, err := os.Stat(s)
	return err == nil && info.Mode().IsRegular()
}

// Slug turns a scenario's name into a part of a file name: "Lost update"
// becomes "lost-update".
func Slug(name string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
		case b.Len() > 0 && !strings.HasSuffix(b.String(), "-"):
			b.WriteByte('-')
		}
	}
	return strings.Trim(b.String(), "-")
}
