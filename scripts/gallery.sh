#!/usr/bin/env bash
# Regenerates docs/gallery/<example>/*.png and docs/GALLERY.md: every example
# directory with a model.yaml is run with seed 1 and plotted, so an example
# added later appears without editing this script.
set -euo pipefail
cd "$(dirname "$0")/.."
annc=${ANNC:-$PWD/bin/annc}
page=docs/GALLERY.md
mkdir -p _demo docs/gallery
# Figures of examples that no longer exist go.
for dir in docs/gallery/*/; do
	[ -d "$dir" ] || continue
	[ -f "examples/$(basename "$dir")/model.yaml" ] || rm -rf "$dir"
done
{
	echo "# Gallery"
	echo
	echo "The figures of every example (\`examples/*/model.yaml\`), each run for its default duration with"
	echo "seed 1 and plotted by \`annc run ... -seed 1 -plot\`. \`make gallery\` writes them and this page."
} >"$page.tmp"
for model in examples/*/model.yaml; do
	ex=$(basename "$(dirname "$model")")
	echo "gallery: $ex" >&2
	rm -rf "_demo/gallery/$ex"
	(cd _demo && "$annc" run -d "annarchy_$ex" "../$model" -seed 1 -out "gallery/$ex" -plot >/dev/null)
	rm -rf "docs/gallery/$ex"
	mkdir -p "docs/gallery/$ex"
	cp "_demo/gallery/$ex"/*.png "docs/gallery/$ex/" 2>/dev/null || true
	# The first paragraph of the example's README, after its title.
	about=""
	if [ -f "examples/$ex/README.md" ]; then
		about=$(awk 'NR > 2 && /^$/ {exit} NR > 2 {printf "%s ", $0}' "examples/$ex/README.md")
	fi
	{
		echo
		echo "## [$ex](../examples/$ex/)"
		echo
		echo "$about"
		echo
		for png in "docs/gallery/$ex"/*.png; do
			[ -e "$png" ] || continue
			name=$(basename "$png" .png)
			echo "![$ex: $name](gallery/$ex/$name.png)"
		done
	} >>"$page.tmp"
done
mv "$page.tmp" "$page"
echo "wrote $page" >&2
