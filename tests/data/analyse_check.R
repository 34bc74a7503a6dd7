# The independent check of `vhh-link analyse` in R (tests/test_analysis_independent.py):
#   Rscript --vanilla analyse_check.R export/analysebestand.csv VAR1,VAR2,...
# prints key=value lines: paired t-tests and Wilcoxon tests (stats), the Pearson correlations
# of VAR1,VAR2,..., the negative binomial with the dispersion fixed at 1
# (MASS::negative.binomial(1), standard errors at dispersion 1), its interaction models, HC0
# sandwich errors with the observed information (by hand), and MASS::glm.nb.
suppressMessages(library(MASS))
args <- commandArgs(TRUE)
all <- read.csv(args[1])
hks <- all[all$gevonden_hks == 1, ]   # HKS analyses: the subjects found in HKS (flags 0/1)
put <- function(key, x) cat(sprintf("%s=%.15g\n", key, x))

for (m in c("bvh_kwartaal", "bvh_jaar", "hks_kwartaal", "hks_jaar")) {
  d <- if (startsWith(m, "hks")) hks else all
  v <- d[[paste0(m, "_voor")]]
  a <- d[[paste0(m, "_na")]]
  tt <- t.test(v, a, paired = TRUE)
  put(paste0("t/", m, "/t"), tt$statistic)
  put(paste0("t/", m, "/df"), tt$parameter)
  put(paste0("t/", m, "/p"), tt$p.value)
  put(paste0("t/", m, "/verschil"), tt$estimate)
  put(paste0("t/", m, "/ci_laag"), tt$conf.int[1])
  put(paste0("t/", m, "/ci_hoog"), tt$conf.int[2])
  w <- wilcox.test(v, a, paired = TRUE, exact = FALSE, correct = FALSE)
  put(paste0("w/", m, "/p"), w$p.value)
}

vars <- strsplit(args[2], ",")[[1]]
for (i in seq_along(vars)) for (j in seq_along(vars)) if (i < j) {
  ct <- cor.test(hks[[vars[i]]], hks[[vars[j]]])
  put(paste0("r/", vars[i], "/", vars[j]), ct$estimate)
  put(paste0("rp/", vars[i], "/", vars[j]), ct$p.value)
}

base <- paste("hks_jaar_na ~ hks_jaar_voor + leeftijd + aantal_besproken",
              "+ plan_van_aanpak + leefgebieden_8plus")
control <- glm.control(epsilon = 1e-12, maxit = 100)
nb1 <- function(name, f) {
  fit <- glm(as.formula(f), data = hks, family = negative.binomial(1), control = control)
  co <- summary(fit, dispersion = 1)$coefficients
  for (k in rownames(co)) {
    put(paste0(name, "/", k, "/b"), co[k, 1])
    put(paste0(name, "/", k, "/se"), co[k, 2])
  }
  put(paste0(name, "/loglik"), logLik(fit))
  fit
}
fit <- nb1("studie", base)
for (m in c("leeftijd", "aantal_besproken", "plan_van_aanpak", "leefgebieden_8plus"))
  nb1(paste0("interactie_", m), paste0(base, " + hks_jaar_voor:", m))

# sandwich: bread from the observed information of NB(1) with log link, meat from the scores
X <- model.matrix(fit); mu <- fitted(fit); y <- fit$y
bread <- solve(t(X) %*% (X * ((y + 1) * mu / (1 + mu)^2)))
u <- X * ((y - mu) / (1 + mu))
se <- sqrt(diag(bread %*% crossprod(u) %*% bread))
for (k in names(se)) put(paste0("robuust/", k, "/se"), se[k])

nb <- glm.nb(as.formula(base), data = hks, control = control)
for (k in names(coef(nb))) put(paste0("geschat/", k, "/b"), coef(nb)[k])
put("geschat/alpha", 1 / nb$theta)
put("geschat/loglik", logLik(nb))
put("poisson/loglik", logLik(glm(as.formula(base), data = hks, family = poisson)))
