using ZXing;
using ZXing.Common;
using ZXing.QrCode.Internal;

namespace Kiosk.Drivers.QrDecoding;

/// <summary>
/// A perspective- and curvature-tolerant sampler for a QR symbol whose three finder patterns were found but whose
/// grid ZXing's detector could not read. ZXing maps the symbol from the three finder centres and one alignment
/// pattern (or a parallelogram guess): a strong tilt, a small symbol without alignment pattern (version 1), a curved
/// or creased surface, or a dimension misjudged by one version all give a wrong grid. Here:
/// <list type="number">
/// <item>the outer edges of each finder pattern are traced with rays and fitted with lines: 12 corners with known
/// module coordinates (plus the 3 centres) instead of 3 points;</item>
/// <item>a projective map is fitted to them by least squares for each plausible dimension; the dimension whose fit
/// leaves the smallest residual is tried first (tilt makes ZXing's distance-based estimate wrong by a version);</item>
/// <item>every alignment pattern the version has is searched near where that map puts it (a 5 × 5 template in the
/// local module axes) and the map is refitted with them;</item>
/// <item>what the refitted map still misses at the anchors (a bent surface) is interpolated between them and added.</item>
/// </list>
/// Each grid goes to ZXing's decoder, which returns a text only when Reed–Solomon error correction succeeded.
/// </summary>
internal sealed class QrGridSampler
{
    private const int MaxDimension = 177;

    private readonly List<Anchor> _anchors = [];
    private readonly List<(double X, double Y)> _edge = [];

    private readonly record struct Anchor(double Mx, double My, double Ix, double Iy);

    /// <summary>Tries to read the symbol whose finder centres are <paramref name="tl"/>, <paramref name="tr"/>, <paramref name="bl"/>.</summary>
    /// <returns>The decoded text and the symbol's corner points in the image, or null.</returns>
    public (string Text, ResultPoint[] Points)? TryRead(BitMatrix image, ResultPoint tl, ResultPoint tr, ResultPoint bl, float moduleSize, Decoder decoder, IDictionary<DecodeHintType, object>? hints)
    {
        if (moduleSize <= 0.5f)
        {
            return null;
        }

        var u = Unit(tr.X - tl.X, tr.Y - tl.Y);
        var v = Unit(bl.X - tl.X, bl.Y - tl.Y);
        if (u is null || v is null)
        {
            return null;
        }

        _anchors.Clear();
        var ok = AddFinder(image, tl, moduleSize, u.Value, v.Value, 0, 0);
        var tlAnchors = _anchors.Count;
        ok &= AddFinder(image, tr, moduleSize, u.Value, v.Value, 1, 0);
        var trAnchors = _anchors.Count;
        ok &= AddFinder(image, bl, moduleSize, u.Value, v.Value, 0, 1);
        if (!ok)
        {
            // Corners not traced (finder at the image edge, too blurred): the centres alone still pin an affine grid.
            _anchors.Clear();
            _anchors.Add(new Anchor(3.5, 3.5, tl.X, tl.Y));
            _anchors.Add(new Anchor(-3.5, 3.5, tr.X, tr.Y));
            _anchors.Add(new Anchor(3.5, -3.5, bl.X, bl.Y));
            tlAnchors = 1;
            trAnchors = 2;
        }

        var finderAnchors = _anchors.ToArray();

        // Plausible dimensions from the finder distances and the module size along each axis.
        var du = Distance(tl, tr) / moduleSize + 7;
        var dv = Distance(tl, bl) / moduleSize + 7;
        var estimate = (du + dv) / 2;
        var candidates = new List<(int Dimension, double Residual, Homography H)>();
        for (var d = 21; d <= MaxDimension; d += 4)
        {
            if (Math.Abs(d - estimate) > Math.Max(8, estimate * 0.3))
            {
                continue;
            }

            var placed = Place(finderAnchors, d, tlAnchors, trAnchors);
            if (Homography.Fit(placed) is { } h)
            {
                candidates.Add((d, h.Residual(placed), h));
            }
        }

        foreach (var (d, _, h) in candidates.OrderBy(c => c.Residual).Take(3))
        {
            if (TryGrid(image, h, null, d, decoder, hints) is { } first)
            {
                return first;
            }

            var version = ZXing.QrCode.Internal.Version.getVersionForNumber((d - 17) / 4);
            var placed = Place(finderAnchors, d, tlAnchors, trAnchors);
            var found = new List<Anchor>(placed);
            var centers = version.AlignmentPatternCenters;
            foreach (var cy in centers)
            {
                foreach (var cx in centers)
                {
                    // No alignment pattern under a finder pattern.
                    if ((cx < 10 && cy < 10) || (cx > d - 10 && cy < 10) || (cx < 10 && cy > d - 10))
                    {
                        continue;
                    }

                    if (FindPattern(image, h, cx + 0.5, cy + 0.5, alignment: true) is { } ap)
                    {
                        found.Add(ap);
                    }
                }
            }

            foreach (var (mx, my) in ((double, double)[])[(3.5, 3.5), (d - 3.5, 3.5), (3.5, d - 3.5)])
            {
                if (FindPattern(image, h, mx, my, alignment: false) is { } fc)
                {
                    found.Add(fc);
                }
            }

            if (found.Count == placed.Length || Homography.Fit(found) is not { } refined)
            {
                continue;
            }

            if (TryGrid(image, refined, null, d, decoder, hints) is { } second)
            {
                return second;
            }

            if (TryGrid(image, refined, found, d, decoder, hints) is { } third)
            {
                return third;
            }
        }

        return null;
    }

    // The module coordinates of the traced finder anchors for dimension d (TR and BL anchors were stored relative to their corner).
    private static Anchor[] Place(Anchor[] anchors, int d, int tlCount, int trCount)
    {
        var placed = new Anchor[anchors.Length];
        for (var i = 0; i < anchors.Length; i++)
        {
            var a = anchors[i];
            placed[i] = i < tlCount ? a : i < trCount ? a with { Mx = d + a.Mx } : a with { My = d + a.My };
        }

        return placed;
    }

    private (string Text, ResultPoint[] Points)? TryGrid(BitMatrix image, Homography h, List<Anchor>? residuals, int d, Decoder decoder, IDictionary<DecodeHintType, object>? hints)
    {
        var bits = new BitMatrix(d);
        var offsets = residuals?.Select(a =>
        {
            var (x, y) = h.Map(a.Mx, a.My);
            return (a.Mx, a.My, Dx: a.Ix - x, Dy: a.Iy - y);
        }).ToArray();
        for (var j = 0; j < d; j++)
        {
            for (var i = 0; i < d; i++)
            {
                var (x, y) = h.Map(i + 0.5, j + 0.5);
                if (offsets is not null)
                {
                    double wx = 0, wy = 0, wsum = 0;
                    foreach (var (mx, my, dx, dy) in offsets)
                    {
                        var dist2 = (mx - i - 0.5) * (mx - i - 0.5) + (my - j - 0.5) * (my - j - 0.5);
                        var w = 1 / (dist2 + 1);
                        wx += w * dx;
                        wy += w * dy;
                        wsum += w;
                    }

                    x += wx / wsum;
                    y += wy / wsum;
                }

                var px = (int)Math.Floor(x);
                var py = (int)Math.Floor(y);
                if (px >= 0 && py >= 0 && px < image.Width && py < image.Height && image[px, py])
                {
                    bits[i, j] = true;
                }
            }
        }

        try
        {
            var result = decoder.decode(bits, hints);
            if (result?.Text is null)
            {
                return null;
            }

            var corners = new[] { h.Map(0, d), h.Map(0, 0), h.Map(d, 0), h.Map(d, d) };
            return (result.Text, corners.Select(c => new ResultPoint((float)c.X, (float)c.Y)).ToArray());
        }
        catch (Exception ex) when (ex is ReaderException or ArgumentException or IndexOutOfRangeException or InvalidOperationException)
        {
            return null;
        }
    }

    // Searches an alignment pattern (5 × 5: dark ring, light ring, dark centre) or a finder pattern (7 × 7) near where the map
    // puts it, matching the template in the local module axes at quarter-module offsets up to 1.75 modules.
    private static Anchor? FindPattern(BitMatrix image, Homography h, double mx, double my, bool alignment)
    {
        var (x0, y0) = h.Map(mx, my);
        var (x1, y1) = h.Map(mx + 1, my);
        var (x2, y2) = h.Map(mx, my + 1);
        double ax = x1 - x0, ay = y1 - y0, bx = x2 - x0, by = y2 - y0;
        var half = alignment ? 2 : 3;
        var best = -1;
        var ties = 0;
        double sumOx = 0, sumOy = 0;
        for (var oy = -7; oy <= 7; oy++)
        {
            for (var ox = -7; ox <= 7; ox++)
            {
                var cx = mx + ox * 0.25;
                var cy = my + oy * 0.25;
                var score = 0;
                for (var dy = -half; dy <= half; dy++)
                {
                    for (var dx = -half; dx <= half; dx++)
                    {
                        var ring = Math.Max(Math.Abs(dx), Math.Abs(dy));
                        var dark = alignment ? ring != 1 : ring is 3 or <= 1;
                        var px = (int)Math.Floor(x0 + (cx - mx + dx) * ax + (cy - my + dy) * bx);
                        var py = (int)Math.Floor(y0 + (cx - mx + dx) * ay + (cy - my + dy) * by);
                        var black = px >= 0 && py >= 0 && px < image.Width && py < image.Height && image[px, py];
                        score += black == dark ? 1 : 0;
                    }
                }

                if (score > best)
                {
                    (best, ties, sumOx, sumOy) = (score, 1, ox, oy);
                }
                else if (score == best)
                {
                    ties++;
                    sumOx += ox;
                    sumOy += oy;
                }
            }
        }

        var cells = (2 * half + 1) * (2 * half + 1);
        if (best < cells - (alignment ? 2 : 4))
        {
            return null;
        }

        // The centre of the best-scoring offsets (a plateau when the pattern is larger than a module step).
        var fx = mx + sumOx / ties * 0.25;
        var fy = my + sumOy / ties * 0.25;
        var (ix, iy) = (x0 + (fx - mx) * ax + (fy - my) * bx, y0 + (fx - mx) * ay + (fy - my) * by);
        return new Anchor(mx, my, ix, iy);
    }

    // Traces the outer square of one finder pattern: for each side, rays within ±24° of its normal find where the dark ring
    // ends; a line through those points per side; the corners are where the lines meet. Anchors are added in module
    // coordinates relative to the finder's own corner (cornerX/cornerY = 1: measured from the far edge, negative).
    private bool AddFinder(BitMatrix image, ResultPoint center, float moduleSize, (double X, double Y) u, (double X, double Y) v, int cornerX, int cornerY)
    {
        Span<(double Px, double Py, double Dx, double Dy)> lines = stackalloc (double, double, double, double)[4];
        for (var side = 0; side < 4; side++)
        {
            var n = side switch { 0 => (-u.X, -u.Y), 1 => (u.X, u.Y), 2 => (-v.X, -v.Y), _ => (v.X, v.Y) };
            var t = (-n.Item2, n.Item1);
            _edge.Clear();
            for (var k = -4; k <= 4; k++)
            {
                var tan = Math.Tan(k * 6 * Math.PI / 180);
                if (Unit(n.Item1 + t.Item1 * tan, n.Item2 + t.Item2 * tan) is { } dir &&
                    RayEdge(image, center.X, center.Y, dir, moduleSize) is { } p)
                {
                    _edge.Add(p);
                }
            }

            if (FitLine(_edge) is not { } line)
            {
                return false;
            }

            lines[side] = line;
        }

        // Corners: (-u,-v), (+u,-v), (-u,+v), (+u,+v) at module offsets (0,0), (7,0), (0,7), (7,7) of the finder. For the
        // top-right finder x is stored as an offset from the symbol's right edge (d + x), for the bottom-left y from its bottom.
        foreach (var (a, b, mx, my) in ((int, int, int, int)[])[(0, 2, 0, 0), (1, 2, 7, 0), (0, 3, 0, 7), (1, 3, 7, 7)])
        {
            if (Intersect(lines[a], lines[b]) is not { } c || Math.Abs(c.X - center.X) > moduleSize * 8 || Math.Abs(c.Y - center.Y) > moduleSize * 8)
            {
                return false;
            }

            _anchors.Add(new Anchor(mx - 7 * cornerX, my - 7 * cornerY, c.X, c.Y));
        }

        return true;
    }

    // Walks from the centre along dir; returns the point where the third run (dark core, light ring, dark ring) ends.
    // Runs shorter than about a third of a module are noise and count with the run before them.
    private static (double X, double Y)? RayEdge(BitMatrix image, double cx, double cy, (double X, double Y) dir, float moduleSize)
    {
        const double step = 0.5;
        var maxT = moduleSize * 6.5;
        var minRun = Math.Max(1.0, moduleSize * 0.35);
        var run = 0;              // 0 dark core, 1 light ring, 2 dark ring
        var runStart = 0.0;
        var pendingSince = -1.0;  // where the colour last changed away from the current run's colour
        for (var t = 0.0; t <= maxT; t += step)
        {
            var px = (int)Math.Floor(cx + dir.X * t);
            var py = (int)Math.Floor(cy + dir.Y * t);
            if (px < 0 || py < 0 || px >= image.Width || py >= image.Height)
            {
                return null;
            }

            var dark = image[px, py];
            var expectDark = run != 1;
            if (t == 0 && !dark)
            {
                return null;
            }

            if (dark == expectDark)
            {
                pendingSince = -1;
                continue;
            }

            if (pendingSince < 0)
            {
                pendingSince = t;
            }

            if (t - pendingSince + step >= minRun && pendingSince - runStart >= minRun * 0.5)
            {
                if (run == 2)
                {
                    var edge = pendingSince - step / 2;
                    return (cx + dir.X * edge, cy + dir.Y * edge);
                }

                run++;
                runStart = pendingSince;
                pendingSince = -1;
            }
        }

        return null;
    }

    private static (double Px, double Py, double Dx, double Dy)? FitLine(List<(double X, double Y)> points)
    {
        for (var pass = 0; pass < 2; pass++)
        {
            if (points.Count < 4)
            {
                return null;
            }

            double mx = 0, my = 0;
            foreach (var (x, y) in points)
            {
                mx += x;
                my += y;
            }

            mx /= points.Count;
            my /= points.Count;
            double sxx = 0, sxy = 0, syy = 0;
            foreach (var (x, y) in points)
            {
                sxx += (x - mx) * (x - mx);
                sxy += (x - mx) * (y - my);
                syy += (y - my) * (y - my);
            }

            var angle = 0.5 * Math.Atan2(2 * sxy, sxx - syy);
            var (dx, dy) = (Math.Cos(angle), Math.Sin(angle));
            if (pass == 1)
            {
                return (mx, my, dx, dy);
            }

            // Drop points more than a pixel off the line (a ray that met a neighbouring module) and fit again.
            var kept = points.Where(p => Math.Abs((p.X - mx) * dy - (p.Y - my) * dx) <= 1.0).ToList();
            if (kept.Count == points.Count)
            {
                return (mx, my, dx, dy);
            }

            points.Clear();
            points.AddRange(kept);
        }

        return null;
    }

    private static (double X, double Y)? Intersect((double Px, double Py, double Dx, double Dy) a, (double Px, double Py, double Dx, double Dy) b)
    {
        var det = a.Dx * b.Dy - a.Dy * b.Dx;
        if (Math.Abs(det) < 0.2)
        {
            return null;
        }

        var s = ((b.Px - a.Px) * b.Dy - (b.Py - a.Py) * b.Dx) / det;
        return (a.Px + s * a.Dx, a.Py + s * a.Dy);
    }

    private static (double X, double Y)? Unit(double x, double y)
    {
        var n = Math.Sqrt(x * x + y * y);
        return n < 1e-6 ? null : (x / n, y / n);
    }

    private static double Distance(ResultPoint a, ResultPoint b) => Math.Sqrt((a.X - b.X) * (a.X - b.X) + (a.Y - b.Y) * (a.Y - b.Y));

    /// <summary>A projective map from module coordinates to image coordinates, fitted by least squares.</summary>
    private sealed class Homography(double[] h, double scale)
    {
        public (double X, double Y) Map(double mx, double my)
        {
            var x = mx / scale;
            var y = my / scale;
            var w = h[6] * x + h[7] * y + 1;
            return ((h[0] * x + h[1] * y + h[2]) / w, (h[3] * x + h[4] * y + h[5]) / w);
        }

        public double Residual(IReadOnlyList<Anchor> anchors)
        {
            double sum = 0;
            foreach (var a in anchors)
            {
                var (x, y) = Map(a.Mx, a.My);
                sum += (x - a.Ix) * (x - a.Ix) + (y - a.Iy) * (y - a.Iy);
            }

            return sum / anchors.Count;
        }

        // Direct linear transform with h33 = 1: two equations per anchor, normal equations solved by Gaussian elimination.
        // Module coordinates are scaled to about [0, 1] for conditioning. Fewer than 4 anchors: an affine fit.
        public static Homography? Fit(IReadOnlyList<Anchor> anchors)
        {
            if (anchors.Count < 3)
            {
                return null;
            }

            var scale = anchors.Max(a => Math.Max(Math.Abs(a.Mx), Math.Abs(a.My)));
            var unknowns = anchors.Count >= 4 ? 8 : 6;
            var ata = new double[unknowns, unknowns + 1];
            Span<double> row = stackalloc double[8];
            foreach (var a in anchors)
            {
                var x = a.Mx / scale;
                var y = a.My / scale;
                for (var eq = 0; eq < 2; eq++)
                {
                    row.Clear();
                    var target = eq == 0 ? a.Ix : a.Iy;
                    row[eq * 3] = x;
                    row[eq * 3 + 1] = y;
                    row[eq * 3 + 2] = 1;
                    if (unknowns == 8)
                    {
                        row[6] = -x * target;
                        row[7] = -y * target;
                    }

                    for (var r = 0; r < unknowns; r++)
                    {
                        for (var c = 0; c < unknowns; c++)
                        {
                            ata[r, c] += row[r] * row[c];
                        }

                        ata[r, unknowns] += row[r] * target;
                    }
                }
            }

            var solution = Solve(ata, unknowns);
            if (solution is null)
            {
                return null;
            }

            var h = new double[8];
            Array.Copy(solution, h, unknowns);
            return new Homography(h, scale);
        }

        private static double[]? Solve(double[,] m, int n)
        {
            for (var col = 0; col < n; col++)
            {
                var pivot = col;
                for (var r = col + 1; r < n; r++)
                {
                    if (Math.Abs(m[r, col]) > Math.Abs(m[pivot, col]))
                    {
                        pivot = r;
                    }
                }

                if (Math.Abs(m[pivot, col]) < 1e-12)
                {
                    return null;
                }

                if (pivot != col)
                {
                    for (var c = 0; c <= n; c++)
                    {
                        (m[col, c], m[pivot, c]) = (m[pivot, c], m[col, c]);
                    }
                }

                for (var r = 0; r < n; r++)
                {
                    if (r == col)
                    {
                        continue;
                    }

                    var f = m[r, col] / m[col, col];
                    for (var c = col; c <= n; c++)
                    {
                        m[r, c] -= f * m[col, c];
                    }
                }
            }

            var x = new double[n];
            for (var i = 0; i < n; i++)
            {
                x[i] = m[i, n] / m[i, i];
            }

            return x;
        }
    }
}
