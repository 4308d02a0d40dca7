package lessons

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// ConfigDirEnv names the environment variable that overrides the directory
// comanda keeps its settings and progress in (tests set it).
const ConfigDirEnv = "COMANDA_CONFIG_DIR"

// Progress is how far a student got in each lesson, kept between sessions
// in a JSON file (see ProgressPath).
type Progress struct {
	Lessons map[string]LessonProgress `json:"lessons"` // by slug

	path string
}

// LessonProgress is how far a student got in one lesson.
type LessonProgress struct {
	Page int  `json:"page"` // the furthest page reached (0-based)
	Done bool `json:"done"` // the lesson was finished once
}

// ProgressPath returns the progress file's path:
// $COMANDA_CONFIG_DIR/progress.json, or comanda/progress.json in the
// user's configuration directory (os.UserConfigDir).
func ProgressPath() (string, error) {
	dir := os.Getenv(ConfigDirEnv)
	if dir == "" {
		base, err := os.UserConfigDir()
		if err != nil {
			return "", fmt.Errorf("lessons: progress: %w", err)
		}
		dir = filepath.Join(base, "comanda")
	}
	return filepath.Join(dir, "progress.json"), nil
}

// LoadProgress reads the progress file. A missing file is no progress yet,
// not an error; an unreadable or corrupted one is an error, with an empty
// Progress that Save may overwrite.
func LoadProgress() (*Progress, error) {
	p := &Progress{Lessons: map[string]LessonProgress{}}
	path, err := ProgressPath()
	if err != nil {
		return p, err
	}
	p.path = path
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return p, nil
	}
	if err != nil {
		return p, fmt.Errorf("lessons: progress: %w", err)
	}
	var f Progress
	if err := json.Unmarshal(data, &f); err != nil {
		return p, fmt.Errorf("lessons: progress: %s: %w", path, err)
	}
	for slug, lp := range f.Lessons {
		if lp.Page < 0 {
			lp.Page = 0
		}
		p.Lessons[slug] = lp
	}
	return p, nil
}

// Save writes the progress file (creating its directory), atomically: a
// crash leaves the old file or the new one.
func (p *Progress) Save() error {
	if p.path == "" {
		path, err := ProgressPath()
		if err != nil {
			return err
		}
		p.path = path
	}
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		return fmt.Errorf("lessons: progress: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(p.path), 0o755); err != nil {
		return fmt.Errorf("lessons: progress: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(p.path), ".progress-*.json")
	if err != nil {
		return fmt.Errorf("lessons: progress: %w", err)
	}
	_, werr := tmp.Write(append(data, '\n'))
	cerr := tmp.Close()
	if werr == nil {
		werr = cerr
	}
	if werr == nil {
		werr = os.Rename(tmp.Name(), p.path)
	}
	if werr != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("lessons: progress: %w", werr)
	}
	return nil
}

// Of returns the progress in the lesson called slug.
func (p *Progress) Of(slug string) LessonProgress { return p.Lessons[slug] }

// Note records where session s is: the furthest page reached, and done
// once the lesson is finished.
func (p *Progress) Note(s *Session) {
	if p.Lessons == nil {
		p.Lessons = map[string]LessonProgress{}
	}
	lp := p.Lessons[s.l.Slug]
	lp.Page = max(lp.Page, s.page)
	lp.Done = lp.Done || s.Done()
	p.Lessons[s.l.Slug] = lp
}

// Resume returns the page to start lesson l at: where the student left
// it, or the first page for a lesson not started or already finished.
func (p *Progress) Resume(l *Lesson) int {
	lp := p.Of(l.Slug)
	if lp.Done || lp.Page >= len(l.pages) {
		return 0
	}
	return lp.Page
}
