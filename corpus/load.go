package corpus

import (
	"crypto/sha256"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"sync"
)

//go:embed builtin/*.txt
var builtinFS embed.FS

// Extensions are the file name extensions (in any case) loaded as
// articles: plain text and Markdown.
var Extensions = []string{".txt", ".text", ".md", ".markdown"}

// noticeNames are the files a collection carries about itself rather than
// as stories (compared case-insensitively, without the extension): a
// README.TXT or LICENSE.md is skipped unless it has front matter.
var noticeNames = map[string]bool{
	"readme": true, "license": true, "licence": true, "copying": true, "copyright": true,
	"notice": true, "changelog": true, "changes": true, "history": true, "authors": true,
	"contributors": true, "contributing": true, "code_of_conduct": true, "security": true,
	"install": true, "todo": true, "citation": true, "patents": true, "maintainers": true,
}

// Corpus is the set of articles the bot answers from.
type Corpus struct {
	Articles []*Article
	// Report says what loading the collection found, warnings included.
	Report LoadReport
	// Files records what LoadDir found in each file, for LoadDirSince; nil
	// for a corpus loaded otherwise.
	Files []FileRecord

	byID map[string]*Article // article and alias IDs; nil when built by hand
}

// LoadReport counts what a load found. Warnings are returned rather than
// logged; the program logs them.
type LoadReport struct {
	// Files is how many article files were read: every file with an
	// article extension, less hidden files and the collection's notices.
	Files      int
	Duplicates int // stories loaded once, as an alias of another
	Skipped    int // files that could not be loaded (see Warnings)
	Decoded    int // files read as Windows-1252
	Warnings   []Warning
}

// Warning is something a load passed over or repaired.
type Warning struct {
	Kind WarningKind
	// Path is the file's full path, or the collection's for a warning about
	// several files.
	Path   string
	Detail string
}

func (w Warning) String() string { return w.Path + ": " + w.Detail }

// WarningKind says what a warning is about.
type WarningKind string

const (
	// WarnSkipped: the file was not loaded (Detail says why).
	WarnSkipped WarningKind = "skipped"
	// WarnDecoded: the file was not UTF-8 and was read as Windows-1252.
	WarnDecoded WarningKind = "decoded"
	// WarnIgnoredKeys: front matter keys articlebot doesn't use, once per load.
	WarnIgnoredKeys WarningKind = "ignored-keys"
	// WarnRenamed: two files would have had the same ID; the later one's
	// ID keeps its extension.
	WarnRenamed WarningKind = "renamed"
)

// Summary is one line on what was loaded, such as "2,089 stories from
// 2,225 files (136 duplicates loaded once; 1 skipped: not UTF-8 ...)".
func (c *Corpus) Summary() string {
	r := c.Report
	s := fmt.Sprintf("%s from %s", plural(len(c.Articles), "story", "stories"), plural(r.Files, "file", "files"))
	var notes []string
	if r.Duplicates > 0 {
		notes = append(notes, plural(r.Duplicates, "duplicate", "duplicates")+" loaded once")
	}
	if r.Decoded > 0 {
		notes = append(notes, fmt.Sprintf("%s read as %s", thousands(r.Decoded), EncodingWindows1252))
	}
	if r.Skipped > 0 {
		why := map[string]int{}
		var order []string
		for _, w := range r.Warnings {
			if w.Kind == WarnSkipped {
				reason := skipReason(w.Detail)
				if why[reason] == 0 {
					order = append(order, reason)
				}
				why[reason]++
			}
		}
		parts := order
		if len(order) > 1 {
			parts = make([]string, len(order))
			for i, reason := range order {
				parts[i] = fmt.Sprintf("%s %s", thousands(why[reason]), reason)
			}
		}
		notes = append(notes, fmt.Sprintf("%s skipped: %s", thousands(r.Skipped), strings.Join(parts, "; ")))
	}
	if len(notes) > 0 {
		s += " (" + strings.Join(notes, "; ") + ")"
	}
	return s
}

// skipReason is the kind of failure in a skip warning's detail: the
// sentinel's text for the errors Parse returns, or the whole detail.
func skipReason(detail string) string {
	for _, err := range []error{ErrEncoding, ErrNoText, ErrFrontMatter, errUnreadable} {
		if strings.HasPrefix(detail, err.Error()) {
			return err.Error()
		}
	}
	return detail
}

// Article returns the article with the given ID, or the one a duplicate
// with that ID was folded into.
func (c *Corpus) Article(id string) (*Article, bool) {
	if c.byID != nil {
		a, ok := c.byID[id]
		return a, ok
	}
	for _, a := range c.Articles {
		if a.ID == id || slices.ContainsFunc(a.Aliases, func(al Alias) bool { return al.ID == id }) {
			return a, true
		}
	}
	return nil, false
}

// Sections lists the section names across all articles, without duplicates,
// in order of appearance.
func (c *Corpus) Sections() []string {
	var out []string
	seen := map[string]bool{}
	for _, a := range c.Articles {
		for _, s := range a.Sections() {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// Titles lists the article titles in order.
func (c *Corpus) Titles() []string {
	out := make([]string, len(c.Articles))
	for i, a := range c.Articles {
		out[i] = a.Title
	}
	return out
}

// Builtin returns the corpus compiled into the binary.
func Builtin() (*Corpus, error) {
	c, err := LoadFS(builtinFS, "builtin")
	if err != nil {
		return nil, fmt.Errorf("couldn't load the built-in corpus: %w", err)
	}
	return c, nil
}

// ErrNoArticles is returned when a corpus directory holds no article files.
var ErrNoArticles = errors.New("no article files (.txt, .text, .md, .markdown) found")

var errUnreadable = errors.New("couldn't read the file")

// LoadDir loads every article file under dir, in its subfolders too (see
// LoadFS). Warnings name files by their path under dir.
func LoadDir(dir string) (*Corpus, error) {
	c, _, err := LoadDirSince(dir, nil)
	return c, err
}

// LoadFS loads every article file under dir in fsys, walking subfolders
// in name order. Files whose extension is not one of Extensions, hidden
// files and folders (named with a leading dot), and a collection's notices
// (README, LICENSE and the like, unless they have front matter) are passed
// over. A file that can't be loaded is skipped with a warning; stories
// whose bodies are the same are loaded once, the later ones kept as
// aliases of the first. It fails only when no article is left. Files are
// read concurrently, so fsys must allow that (os.DirFS, embed.FS and
// fstest.MapFS do).
func LoadFS(fsys fs.FS, dir string) (*Corpus, error) {
	return load(fsys, dir, func(p string) string { return pathJoin(dir, p) }, nil)
}

func pathJoin(dir, name string) string {
	if name == "" {
		return dir
	}
	if dir == "." || dir == "" {
		return name
	}
	return dir + "/" + name
}

// load loads the collection; with since, a file since knows the stat of
// is taken from it instead of being read (see LoadDirSince).
func load(fsys fs.FS, dir string, fullPath func(rel string) string, since *reuse) (*Corpus, error) {
	files, err := walk(fsys, dir, since != nil)
	if err != nil {
		return nil, fmt.Errorf("couldn't list %s: %w", fullPath(""), err)
	}
	return loadFiles(fsys, files, fullPath, since)
}

// walk lists the article files under dir in fsys, in name order, with
// their sizes and modification times when stat is set.
func walk(fsys fs.FS, dir string, stat bool) ([]fileResult, error) {
	var files []fileResult
	err := fs.WalkDir(fsys, dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == dir {
				return err
			}
			files = append(files, fileResult{rel: relPath(dir, p), err: fmt.Errorf("%w: %v", errUnreadable, err)})
			return nil
		}
		if p != dir && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return fs.SkipDir
			}
			return nil
		}
		if d.IsDir() || !isArticleFile(d.Name()) {
			return nil
		}
		f := fileResult{path: p, rel: relPath(dir, p)}
		info, err := regularFile(fsys, p, d, stat)
		switch {
		case err != nil:
			f.err = err
		case info != nil:
			f.stat = fileStat{size: info.Size(), mtime: info.ModTime().UnixNano(), ok: true}
		}
		files = append(files, f)
		return nil
	})
	return files, err
}

// regularFile checks that the entry d at p is a regular file, or a link
// to one, and returns its information (the link's target's) when stat is
// set. Anything else with an article's name is not read: opening a FIFO
// would block the load for good, and a device may never end.
func regularFile(fsys fs.FS, p string, d fs.DirEntry, stat bool) (fs.FileInfo, error) {
	mode := d.Type()
	if mode&fs.ModeSymlink != 0 {
		info, err := fs.Stat(fsys, p)
		if err != nil {
			return nil, fmt.Errorf("%w: %v", errUnreadable, err)
		}
		mode = info.Mode().Type()
		if mode.IsRegular() {
			return info, nil
		}
	}
	if !mode.IsRegular() {
		return nil, fmt.Errorf("%w: not a regular file (%s)", errUnreadable, fileKind(mode))
	}
	if !stat {
		return nil, nil
	}
	info, err := d.Info()
	if err != nil {
		return nil, nil // read as any file; a changed stat only means a re-read
	}
	return info, nil
}

// fileKind names a file mode's type for a warning.
func fileKind(mode fs.FileMode) string {
	switch {
	case mode.IsDir():
		return "a folder"
	case mode&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case mode&fs.ModeSocket != 0:
		return "a socket"
	case mode&fs.ModeDevice != 0:
		return "a device"
	}
	return "mode " + mode.String()
}

// loadFiles reads and parses the files a walk found, but those since
// takes from an earlier load.
func loadFiles(fsys fs.FS, files []fileResult, fullPath func(rel string) string, since *reuse) (*Corpus, error) {
	root := fullPath("")
	l := loader{
		c:        &Corpus{byID: map[string]*Article{}},
		fullPath: fullPath,
		bodies:   map[[32]byte]*Article{},
		ignored:  map[string]int{},
	}
	if since != nil {
		since.take(files)
		if since.unchanged(files) {
			return since.prev, nil
		}
		l.c.Files = make([]FileRecord, 0, len(files))
	}
	readAll(fsys, files)
	for i := range files {
		if since != nil && files[i].read && !files[i].notice {
			since.reread++
		}
		l.add(&files[i])
	}
	l.warnIgnored(root)
	if len(l.c.Articles) == 0 {
		if l.c.Report.Skipped > 0 {
			return nil, fmt.Errorf("%s: %w; skipped %s", root, ErrNoArticles, l.c.Report.Warnings[0])
		}
		return nil, fmt.Errorf("%s: %w", root, ErrNoArticles)
	}
	return l.c, nil
}

func relPath(dir, p string) string {
	if dir == "." || dir == "" {
		return p
	}
	return strings.TrimPrefix(strings.TrimPrefix(p, dir), "/")
}

func isArticleFile(name string) bool {
	ext := path.Ext(name)
	return slices.ContainsFunc(Extensions, func(e string) bool { return strings.EqualFold(e, ext) })
}

// isNotice reports whether name is one of a collection's notices.
func isNotice(name string) bool {
	stem, _, _ := strings.Cut(strings.ToLower(name), ".")
	return noticeNames[stem]
}

type loader struct {
	c        *Corpus
	fullPath func(rel string) string
	bodies   map[[32]byte]*Article
	ignored  map[string]int // ignored front matter key → files
	example  string         // a file with ignored keys, for the warning
}

func (l *loader) warn(kind WarningKind, rel, detail string) {
	l.c.Report.Warnings = append(l.c.Report.Warnings, Warning{Kind: kind, Path: l.fullPath(rel), Detail: detail})
}

func (l *loader) skip(rel string, err error) {
	l.c.Report.Skipped++
	// Parse's errors start with the name, which the warning's path gives.
	l.warn(WarnSkipped, rel, strings.TrimPrefix(err.Error(), rel+": "))
}

// fileResult is one file of a collection, read and parsed.
type fileResult struct {
	path, rel string // in the FS, and in the collection
	notice    bool   // one of the collection's notices, passed over
	a         *Article
	notes     parseNotes
	err       error
	stat      fileStat
	id        string // the story's ID, or the duplicate's alias ID
	dup       bool   // folded into another story
	// reused is set when the result came from an earlier load's record
	// rather than from reading the file; read when the file was read.
	reused, read bool
}

// readAll reads and parses files on every CPU: loading is mostly parsing,
// and each file's work is its own. Results keep the walk's order, so that
// which of two duplicates is kept does not depend on timing.
func readAll(fsys fs.FS, files []fileResult) {
	next := make(chan *fileResult)
	var wg sync.WaitGroup
	for range min(runtime.GOMAXPROCS(0), len(files)) {
		wg.Go(func() {
			for f := range next {
				f.load(fsys)
			}
		})
	}
	for i := range files {
		if files[i].err == nil && !files[i].reused {
			next <- &files[i]
		}
	}
	close(next)
	wg.Wait()
}

func (f *fileResult) load(fsys fs.FS) {
	f.read = true
	raw, err := fs.ReadFile(fsys, f.path)
	if err != nil {
		f.err = fmt.Errorf("%w: %v", errUnreadable, err)
		return
	}
	text := string(raw)
	if isNotice(path.Base(f.rel)) && !hasFrontMatter(strings.TrimPrefix(text, "\ufeff")) {
		f.notice = true
		return
	}
	f.a, f.notes, f.err = parse(f.rel, text)
}

// add takes a read file into the corpus, in walk order.
func (l *loader) add(f *fileResult) {
	if l.c.Files != nil {
		defer l.record(f)
	}
	if f.notice {
		return
	}
	l.c.Report.Files++
	if f.err != nil {
		l.skip(f.rel, f.err)
		return
	}
	a, notes, rel := f.a, f.notes, f.rel
	if notes.encoding != "" {
		l.c.Report.Decoded++
		l.warn(WarnDecoded, rel, "not UTF-8; read as "+notes.encoding)
	}
	for _, k := range notes.ignored {
		if l.ignored[k] == 0 && l.example == "" {
			l.example = rel
		}
		l.ignored[k]++
	}
	if kept, dup := l.bodies[a.bodyKey]; dup {
		l.c.Report.Duplicates++
		id := l.uniqueID(a)
		kept.Aliases = append(kept.Aliases, Alias{ID: id, Title: a.Title, Path: a.Path})
		l.c.byID[id] = kept
		f.id, f.dup = id, true
		return
	}
	a.ID = l.uniqueID(a)
	f.id = a.ID
	l.bodies[a.bodyKey] = a
	l.c.byID[a.ID] = a
	l.c.Articles = append(l.c.Articles, a)
}

// uniqueID returns a's ID, or when another file already has it (a.txt
// and a.md), one made from its path with the extension.
func (l *loader) uniqueID(a *Article) string {
	if _, taken := l.c.byID[a.ID]; !taken {
		return a.ID
	}
	id := articleID(a.Path + ".x") // keeps the real extension in the last part
	for n := 2; ; n++ {
		if _, taken := l.c.byID[id]; !taken {
			break
		}
		id = fmt.Sprintf("%s-%d", articleID(a.Path+".x"), n)
	}
	l.warn(WarnRenamed, a.Path, fmt.Sprintf("another file has the id %q; this one is %q", a.ID, id))
	return id
}

// warnIgnored adds the one warning about front matter keys the load
// ignored, naming them.
func (l *loader) warnIgnored(root string) {
	if len(l.ignored) == 0 {
		return
	}
	keys := make([]string, 0, len(l.ignored))
	for k := range l.ignored {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	for i, k := range keys {
		keys[i] = fmt.Sprintf("%s (%s)", k, plural(l.ignored[k], "file", "files"))
	}
	l.c.Report.Warnings = append(l.c.Report.Warnings, Warning{
		Kind: WarnIgnoredKeys, Path: root,
		Detail: fmt.Sprintf("ignored front matter keys articlebot doesn't use (it reads title, url, published or date): %s; e.g. in %s",
			strings.Join(keys, ", "), l.fullPath(l.example)),
	})
}

func plural(n int, one, many string) string {
	if n == 1 {
		return "1 " + one
	}
	return thousands(n) + " " + many
}

// thousands formats n with comma separators: 2,225.
func thousands(n int) string {
	s := fmt.Sprint(n)
	if n < 0 {
		return "-" + thousands(-n)
	}
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}

// FileRecord is what a load found in one file of a collection, with the
// file's size and modification time when it was read: what LoadDirSince
// compares to know which files to read again.
type FileRecord struct {
	Path    string // in the collection, with "/" separators
	Size    int64  // -1: read again whatever its size
	ModTime int64  // nanoseconds since the Unix epoch
	Kind    FileKind
	// Story is the ID of the article the file gave, or for a duplicate
	// the ID of its alias.
	Story string
	// Key is what makes two files one story (a story or a duplicate).
	Key [sha256.Size]byte
	// Encoding is the encoding the file was decoded from when not UTF-8.
	Encoding string
	// Ignored are the front matter keys the load had no use for.
	Ignored []string
	// Err is why a skipped file was skipped.
	Err string
}

// FileKind says what a load made of a file.
type FileKind uint8

const (
	FileStory     FileKind = iota + 1 // an article
	FileDuplicate                     // folded into an article with the same body
	FileNotice                        // one of the collection's notices, passed over
	FileSkipped                       // could not be loaded
)

// fileStat is a file's size and modification time, when they were read.
type fileStat struct {
	size, mtime int64
	ok          bool
}

// record notes what add made of f in the corpus's Files.
func (l *loader) record(f *fileResult) {
	r := FileRecord{Path: f.rel, Size: -1}
	if f.stat.ok {
		r.Size, r.ModTime = f.stat.size, f.stat.mtime
	}
	switch {
	case f.notice:
		r.Kind = FileNotice
	case f.err != nil:
		r.Kind, r.Err = FileSkipped, strings.TrimPrefix(f.err.Error(), f.rel+": ")
		if errors.Is(f.err, errUnreadable) {
			r.Size = -1 // worth trying again
		}
	default:
		r.Kind, r.Story, r.Key = FileStory, f.id, f.a.bodyKey
		if f.dup {
			r.Kind = FileDuplicate
		}
		r.Encoding, r.Ignored = f.notes.encoding, f.notes.ignored
	}
	l.c.Files = append(l.c.Files, r)
}

// LoadDirSince loads the collection under dir as LoadDir does, reading
// only the files whose size or modification time differ from what prev
// recorded (prev.Files), or that prev does not know, and taking the rest
// from prev; reread is how many article files were read, counted as
// Report.Files counts them (a notice is read, to look for front matter,
// but is no article file). It returns prev itself
// when no file was added, removed or changed. With a nil prev, or one
// with no Files, every file is read.
//
// A file edited without changing its size or modification time (to the
// nanosecond) is taken as unchanged: load it with a nil prev to be sure.
// prev must come from a load of dir by the same program (a stored corpus
// of an older one may have parsed files differently).
func LoadDirSince(dir string, prev *Corpus) (c *Corpus, reread int, err error) {
	l, err := ListDir(dir)
	if err != nil {
		return nil, 0, err
	}
	return l.LoadSince(prev)
}

// Listing is the files of a collection as a walk of its folder found
// them, with their sizes and modification times: the first half of
// LoadDirSince, which a caller can run while it reads the earlier load to
// compare them with (a stored index), and then finish with LoadSince.
type Listing struct {
	dir   string
	fsys  fs.FS
	files []fileResult
}

// ListDir walks the collection under dir, taking every article file's
// size and modification time; no file is read.
func ListDir(dir string) (*Listing, error) {
	info, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("couldn't open corpus directory: %w", err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("corpus %s is not a directory", dir)
	}
	l := &Listing{dir: dir, fsys: os.DirFS(dir)}
	if l.files, err = walk(l.fsys, ".", true); err != nil {
		return nil, fmt.Errorf("couldn't list %s: %w", dir, err)
	}
	return l, nil
}

// LoadSince loads the listed collection as LoadDirSince(dir, prev) does,
// comparing prev's records with the sizes and modification times the
// listing took; a nil prev reads every file. A Listing is loaded once.
func (l *Listing) LoadSince(prev *Corpus) (c *Corpus, reread int, err error) {
	if l.fsys == nil {
		return nil, 0, errors.New("corpus: a listing is loaded once")
	}
	fsys, files := l.fsys, l.files
	l.files, l.fsys = nil, nil
	r := &reuse{prev: prev}
	c, err = loadFiles(fsys, files, func(p string) string { return filepath.Join(l.dir, filepath.FromSlash(p)) }, r)
	return c, r.reread, err
}

// reuse takes files unchanged since an earlier load from its corpus.
type reuse struct {
	prev   *Corpus
	reread int
}

// take fills in the results of the files whose stat matches prev's record
// of them. A story's duplicates are taken only with every file of their
// group (same Key) unchanged: which of them is the story, and its text,
// may otherwise change.
func (r *reuse) take(files []fileResult) {
	if r.prev == nil || r.prev.Files == nil {
		return
	}
	known := make(map[string]*FileRecord, len(r.prev.Files))
	for i := range r.prev.Files {
		known[r.prev.Files[i].Path] = &r.prev.Files[i]
	}
	same := func(f *fileResult) *FileRecord {
		rec := known[f.rel]
		if rec == nil || !f.stat.ok || rec.Size < 0 || rec.Size != f.stat.size || rec.ModTime != f.stat.mtime {
			return nil
		}
		return rec
	}
	// Groups with a file changed or gone are read again whole.
	present := make(map[string]bool, len(files))
	broken := map[[sha256.Size]byte]bool{}
	for i := range files {
		f := &files[i]
		present[f.rel] = true
		if rec := known[f.rel]; rec != nil && same(f) == nil && (rec.Kind == FileStory || rec.Kind == FileDuplicate) {
			broken[rec.Key] = true
		}
	}
	for _, rec := range r.prev.Files {
		if !present[rec.Path] && (rec.Kind == FileStory || rec.Kind == FileDuplicate) {
			broken[rec.Key] = true
		}
	}
	byID := r.prev.byID
	if byID == nil {
		byID = map[string]*Article{}
		for _, a := range r.prev.Articles {
			byID[a.ID] = a
			for _, al := range a.Aliases {
				byID[al.ID] = a
			}
		}
	}
	for i := range files {
		f := &files[i]
		rec := same(f)
		if rec == nil || f.err != nil {
			continue
		}
		switch rec.Kind {
		case FileNotice:
			f.notice = true
		case FileSkipped:
			f.err = errors.New(f.rel + ": " + rec.Err)
		case FileStory, FileDuplicate:
			kept := byID[rec.Story]
			if kept == nil || broken[rec.Key] {
				continue
			}
			a := &Article{ID: articleID(f.rel), Path: f.rel, Text: kept.Text, Paragraphs: kept.Paragraphs, bodyKey: rec.Key}
			if rec.Kind == FileStory {
				a.Title, a.URL, a.Published = kept.Title, kept.URL, kept.Published
			} else {
				i := slices.IndexFunc(kept.Aliases, func(al Alias) bool { return al.ID == rec.Story })
				if i < 0 {
					continue
				}
				a.Title = kept.Aliases[i].Title
			}
			f.a, f.notes = a, parseNotes{encoding: rec.Encoding, ignored: rec.Ignored}
		default:
			continue
		}
		f.reused = true
	}
}

// unchanged reports whether files are the ones prev recorded, in the same
// order, every one taken from it.
func (r *reuse) unchanged(files []fileResult) bool {
	if r.prev == nil || len(files) != len(r.prev.Files) {
		return false
	}
	for i := range files {
		if !files[i].reused || files[i].rel != r.prev.Files[i].Path {
			return false
		}
	}
	return true
}

// Assemble makes a corpus of articles loaded before, with their load's
// report and file records, as a stored copy of a LoadDir gives them back.
func Assemble(articles []*Article, report LoadReport, files []FileRecord) *Corpus {
	c := &Corpus{Articles: articles, Report: report, Files: files, byID: make(map[string]*Article, len(articles))}
	for _, a := range articles {
		c.byID[a.ID] = a
		for _, al := range a.Aliases {
			c.byID[al.ID] = a
		}
	}
	return c
}
