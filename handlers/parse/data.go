package parse

import (
	"bytes"
	"embed"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"gopkg.in/yaml.v3"
)

//go:embed data/taxonomy.yaml data/synonyms.yaml data/regions.yaml
var defaultData embed.FS

// File names looked up by NewFromDir.
const (
	TaxonomyFile = "taxonomy.yaml"
	SynonymsFile = "synonyms.yaml"
	RegionsFile  = "regions.yaml"
)

// ---- taxonomy.yaml ----

type taxonomyFile struct {
	ExtendsDefault bool        `yaml:"extends_default"`
	Categories     []*taxoNode `yaml:"categories"`
}

type taxoNode struct {
	Code     string      `yaml:"code"`
	Name     string      `yaml:"name"`
	Aliases  []string    `yaml:"aliases"`
	Children []*taxoNode `yaml:"children"`
}

// ---- synonyms.yaml ----

type synonymsFile struct {
	ExtendsDefault bool       `yaml:"extends_default"`
	Groups         [][]string `yaml:"groups"`
}

// ---- regions.yaml ----

type regionsFile struct {
	ExtendsDefault bool         `yaml:"extends_default"`
	Provinces      []*placeNode `yaml:"provinces"`
	Zones          []zoneEntry  `yaml:"zones"`
}

type placeNode struct {
	Name         string       `yaml:"name"`
	Alias        []string     `yaml:"alias"`
	Ambiguous    bool         `yaml:"ambiguous"`
	Municipality bool         `yaml:"municipality"`
	Cities       []*placeNode `yaml:"cities"`
	Districts    []*placeNode `yaml:"districts"`
}

// UnmarshalYAML accepts either a plain scalar name or a full mapping.
func (p *placeNode) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind == yaml.ScalarNode {
		p.Name = strings.TrimSpace(n.Value)
		return nil
	}
	type raw placeNode
	return n.Decode((*raw)(p))
}

type zoneEntry struct {
	Name     string `yaml:"name"`
	Province string `yaml:"province"`
	City     string `yaml:"city"`
	District string `yaml:"district"`
}

// loadFile reads name from dir (if dir != "" and the file exists) or from the
// embedded defaults. It reports whether the file came from dir.
func loadFile(dir, name string) (data []byte, fromDir bool, err error) {
	if dir != "" {
		b, err := os.ReadFile(filepath.Join(dir, name))
		if err == nil {
			return b, true, nil
		}
		if !errors.Is(err, fs.ErrNotExist) {
			return nil, false, fmt.Errorf("parse: read %s: %w", name, err)
		}
	}
	b, err := defaultData.ReadFile("data/" + name)
	if err != nil {
		return nil, false, fmt.Errorf("parse: embedded %s: %w", name, err)
	}
	return b, false, nil
}

func decodeStrict(name string, b []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("parse: decode %s: %w", name, err)
	}
	return nil
}

func loadTaxonomy(dir string) ([]*taxoNode, error) {
	b, fromDir, err := loadFile(dir, TaxonomyFile)
	if err != nil {
		return nil, err
	}
	var f taxonomyFile
	if err := decodeStrict(TaxonomyFile, b, &f); err != nil {
		return nil, err
	}
	if fromDir && f.ExtendsDefault {
		base, err := loadTaxonomy("")
		if err != nil {
			return nil, err
		}
		return mergeTaxo(base, f.Categories), nil
	}
	return f.Categories, nil
}

func mergeTaxo(base, add []*taxoNode) []*taxoNode {
	for _, a := range add {
		var found *taxoNode
		for _, b := range base {
			if b.Code == a.Code {
				found = b
				break
			}
		}
		if found == nil {
			base = append(base, a)
			continue
		}
		if a.Name != "" {
			found.Name = a.Name
		}
		found.Aliases = append(found.Aliases, a.Aliases...)
		found.Children = mergeTaxo(found.Children, a.Children)
	}
	return base
}

func loadSynonyms(dir string) ([][]string, error) {
	b, fromDir, err := loadFile(dir, SynonymsFile)
	if err != nil {
		return nil, err
	}
	var f synonymsFile
	if err := decodeStrict(SynonymsFile, b, &f); err != nil {
		return nil, err
	}
	if fromDir && f.ExtendsDefault {
		base, err := loadSynonyms("")
		if err != nil {
			return nil, err
		}
		return append(base, f.Groups...), nil
	}
	return f.Groups, nil
}

func loadRegions(dir string) (*regionsFile, error) {
	b, fromDir, err := loadFile(dir, RegionsFile)
	if err != nil {
		return nil, err
	}
	var f regionsFile
	if err := decodeStrict(RegionsFile, b, &f); err != nil {
		return nil, err
	}
	if fromDir && f.ExtendsDefault {
		base, err := loadRegions("")
		if err != nil {
			return nil, err
		}
		base.Provinces = mergePlaces(base.Provinces, f.Provinces)
		base.Zones = append(base.Zones, f.Zones...)
		return base, nil
	}
	return &f, nil
}

func mergePlaces(base, add []*placeNode) []*placeNode {
	for _, a := range add {
		var found *placeNode
		for _, b := range base {
			if b.Name == a.Name {
				found = b
				break
			}
		}
		if found == nil {
			base = append(base, a)
			continue
		}
		found.Alias = append(found.Alias, a.Alias...)
		found.Ambiguous = found.Ambiguous || a.Ambiguous
		found.Municipality = found.Municipality || a.Municipality
		found.Cities = mergePlaces(found.Cities, a.Cities)
		found.Districts = mergePlaces(found.Districts, a.Districts)
	}
	return base
}
