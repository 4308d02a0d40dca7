// Package lessons holds comanda's guided lessons, as data, and the small
// pure functions that walk a student through one.
//
// A lesson is a bundled scenario, run stepped, and a few short pages of
// text shown beside the live panels. Its text lives in one file per
// language (en/NN-slug.md, pt-BR/NN-slug.md: pages separated by lines
// "---", see text.go for the blocks a page may hold); its structure,
// the same in every language, lives in lessons.toml: per lesson its
// number, slug and scenario, per page the panels to show, an optional
// checkpoint and the claims its text makes about the run. Load checks
// every file against the others and reports each problem at its
// file:line:col.
//
// A checkpoint waits for the student to act (press space, pick C2, kill
// P2, stop the run) and reacts to what they did. Session is one student in
// one lesson: it judges each action against the page's checkpoint, and
// never touches the run itself; the screen carries actions out (package
// lessons/play does it for a stepped run) and reports the state back with
// Did.
//
// Stepped runs are deterministic: the same scenario and the same actions
// give the same steps, so the text can say "at step 6 P2 writes over P1's
// order" and be right. Claims make that checkable, and the tests run every
// lesson as a scripted student (Session.Play) and check every claim
// against the trace.
//
// Progress between sessions is kept in a small JSON file (LoadProgress).
package lessons
