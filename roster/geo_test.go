package roster_test

import (
	"github.com/candor-dev/candor"
	"github.com/candor-dev/candor/geo"
)

func geoTable() candor.GeoChecker         { return geo.Table{} }
func locales() candor.LocaleCanonicalizer { return &geo.Locales{} }
